import { and, eq, gte, lt, notInArray, sum } from "drizzle-orm";
import { first, type DbOrTx } from "@/db/client";
import { transfers } from "@/db/schema";
import { startOfJakartaDay } from "@/lib/jakarta";
import type { Limits } from "./limits-schema";
import { movedNoMoney } from "./status";
import { say } from "./words";

const dayMs = 24 * 60 * 60_000;

/** What a maker created on the Jakarta calendar day of `day`; transfers that moved no money do not count. */
export async function makerTotalOn(db: DbOrTx, makerId: number, day: Date): Promise<number> {
  const start = startOfJakartaDay(day);
  // An aggregate: one row whatever matches.
  const row = await first(
    db
      .select({ total: sum(transfers.amount) })
      .from(transfers)
      .where(
        and(
          eq(transfers.makerId, makerId),
          gte(transfers.createdAt, start),
          lt(transfers.createdAt, new Date(start.getTime() + dayMs)),
          notInArray(transfers.status, [...movedNoMoney]),
        ),
      ),
  );
  return Number(row?.total ?? 0);
}

/**
 * The limits again at the last step (docs/lifecycle.md#paying-twice-is-impossible): an approval of transfers submitted earlier, after an
 * admin may have lowered a limit. `amounts` are already counted in the maker's total of their day.
 */
export async function limitsStillHold(db: DbOrTx, limits: Limits, { makerId, createdAt, amounts }: { makerId: number; createdAt: Date; amounts: readonly number[] }): Promise<string | null> {
  const largest = Math.max(...amounts);
  if (largest > limits.maxPerTransfer) {
    return say((t, f) => t("server.limits.loweredMax", { amount: f.rupiah(largest), max: f.rupiah(limits.maxPerTransfer) }));
  }
  const total = await makerTotalOn(db, makerId, createdAt);
  if (total > limits.dailyTotalPerMaker) {
    return say((t, f) => t("server.limits.loweredDaily", { total: f.rupiah(total), daily: f.rupiah(limits.dailyTotalPerMaker) }));
  }
  return null;
}

/** The limits of docs/limits.md#the-limits for one new transfer: a message a person can act on, or null when it fits. */
export async function limitProblem(db: DbOrTx, limits: Limits, makerId: number, amount: number, now: Date): Promise<string | null> {
  if (amount > limits.maxPerTransfer) {
    return say((t, f) => t("server.limits.overMax", { max: f.rupiah(limits.maxPerTransfer) }));
  }
  const remaining = limits.dailyTotalPerMaker - (await makerTotalOn(db, makerId, now));
  if (amount > remaining) {
    return say((t, f) =>
      remaining > 0
        ? t("server.limits.overDaily", { daily: f.rupiah(limits.dailyTotalPerMaker), remaining: f.rupiah(remaining) })
        : t("server.limits.dailyReached", { daily: f.rupiah(limits.dailyTotalPerMaker) }),
    );
  }
  return null;
}

export function needsApproval(limits: Limits, amount: number): boolean {
  return amount >= limits.approvalThreshold;
}
