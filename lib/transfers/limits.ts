import { and, eq, gte, notInArray, sum } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { transfers, type TransferStatus } from "@/db/schema";
import { formatRupiah } from "@/lib/cashin/amount";
import { startOfJakartaDay } from "./clock";
import type { Limits } from "./limits-schema";

/** Transfers that moved no money and never will do not count against the daily total. */
const notCounted: TransferStatus[] = ["rejected", "canceled", "expired", "failed"];

export function makerTotalToday(db: DbOrTx, makerId: number, now: Date): number {
  const row = db
    .select({ total: sum(transfers.amount) })
    .from(transfers)
    .where(
      and(eq(transfers.makerId, makerId), gte(transfers.createdAt, startOfJakartaDay(now)), notInArray(transfers.status, notCounted)),
    )
    .get();
  return Number(row?.total ?? 0);
}

/** The limits of SPEC §3.3 for one new transfer: a message a person can act on, or null when it fits. */
export function limitProblem(db: DbOrTx, limits: Limits, makerId: number, amount: number, now: Date): string | null {
  if (amount > limits.maxPerTransfer) {
    return `The maximum per transfer is ${formatRupiah(limits.maxPerTransfer)}. Split the payment or ask an admin to raise the limit.`;
  }
  const remaining = limits.dailyTotalPerMaker - makerTotalToday(db, makerId, now);
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
