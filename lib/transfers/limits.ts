import { and, eq, gte, lt, notInArray, sum } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { transfers } from "@/db/schema";
import { startOfJakartaDay } from "@/lib/jakarta";
import type { Limits } from "./limits-schema";
import { movedNoMoney } from "./status";
import { formatRupiah } from "@/lib/format";

const dayMs = 24 * 60 * 60_000;

/** What a maker created on the Jakarta calendar day of `day`; transfers that moved no money do not count. */
export function makerTotalOn(db: DbOrTx, makerId: number, day: Date): number {
  const start = startOfJakartaDay(day);
  const row = db
    .select({ total: sum(transfers.amount) })
    .from(transfers)
    .where(
      and(
        eq(transfers.makerId, makerId),
        gte(transfers.createdAt, start),
        lt(transfers.createdAt, new Date(start.getTime() + dayMs)),
        notInArray(transfers.status, [...movedNoMoney]),
      ),
    )
    .get();
  return Number(row?.total ?? 0);
}

/**
 * The limits again at the last step (docs/lifecycle.md#paying-twice-is-impossible): an approval of transfers submitted earlier, after an
 * admin may have lowered a limit. `amounts` are already counted in the maker's total of their day.
 */
export function limitsStillHold(db: DbOrTx, limits: Limits, { makerId, createdAt, amounts }: { makerId: number; createdAt: Date; amounts: readonly number[] }): string | null {
  const largest = Math.max(...amounts);
  if (largest > limits.maxPerTransfer) {
    return `${formatRupiah(largest)} is above the maximum per transfer of ${formatRupiah(limits.maxPerTransfer)}, lowered since it was submitted. Reject it, or ask an admin about the limit.`;
  }
  const total = makerTotalOn(db, makerId, createdAt);
  if (total > limits.dailyTotalPerMaker) {
    return `Its maker's transfers of that day total ${formatRupiah(total)}, above the daily total of ${formatRupiah(limits.dailyTotalPerMaker)}, lowered since it was submitted. Reject it, or ask an admin about the limit.`;
  }
  return null;
}

/** The limits of docs/limits.md#the-limits for one new transfer: a message a person can act on, or null when it fits. */
export function limitProblem(db: DbOrTx, limits: Limits, makerId: number, amount: number, now: Date): string | null {
  if (amount > limits.maxPerTransfer) {
    return `The maximum per transfer is ${formatRupiah(limits.maxPerTransfer)}. Split the payment or ask an admin to raise the limit.`;
  }
  const remaining = limits.dailyTotalPerMaker - makerTotalOn(db, makerId, now);
  if (amount > remaining) {
    return remaining > 0
      ? `This would exceed your daily total of ${formatRupiah(limits.dailyTotalPerMaker)}: you can still send ${formatRupiah(remaining)} today.`
      : `You have reached your daily total of ${formatRupiah(limits.dailyTotalPerMaker)} for today.`;
  }
  return null;
}

export function needsApproval(limits: Limits, amount: number): boolean {
  return amount >= limits.approvalThreshold;
}
