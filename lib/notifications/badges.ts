import { and, count, eq, isNotNull, isNull, max, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { first, type Db } from "@/db/client";
import { dialectOf, epochMs } from "@/db/dialect";
import { approvals, batches, transfers, type Role } from "@/db/schema";
import { openPause } from "@/lib/sending/pause";

/**
 * What the navigation's badges count (docs/notifications.md#in-the-app), read every few seconds by each
 * signed-in browser, so each is one indexed count:
 * - Approvals (managers): the transfers and batches in the queue this manager may decide (not their own, nor those
 *   whose tier waits for others after this manager's approval: docs/policies.md#approval-tiers);
 * - Needs attention (admins): what waits for an admin's hand: transfers Cash In never settled (an admin records
 *   their outcome), contradictions not reviewed yet (an admin marks them reviewed).
 *   Sending paused on a deposit alert counts as one more (docs/deposit-alerts.md).
 * `version` changes whenever the approval queue does (an item joins or leaves), for the approvals page to
 * refresh itself.
 * `sending` (everyone, staff too, so every browser polls): whether sending is paused, for the banner of the signed-in
 * shell, and since when (nothing about the refused transfer: that is on the admin's Sending page).
 */
export type SendingState = { paused: false } | { paused: true; pauseId: number; since: number };
export type Badges = { approvals?: { count: number; version: string }; attention?: { count: number }; sending?: SendingState };

/** Whether this person gave one of the approvals of the subject's current round (lib/policies/tiers.ts). */
function approvedBy(type: "transfer" | "batch", id: SQL | AnyColumn, round: SQL, userId: number): SQL {
  return sql`exists (select 1 from ${approvals} where ${approvals.subjectType} = ${type} and ${approvals.subjectId} = ${id} and ${approvals.round} = ${round} and ${approvals.approverId} = ${userId})`;
}

export async function badgesFor(db: Db, user: { id: number; role: Role }): Promise<Badges> {
  const pause = await openPause(db);
  const sending: SendingState = pause ? { paused: true, pauseId: pause.id, since: pause.startedAt.getTime() } : { paused: false };
  const badges: Badges = { sending };
  if (user.role === "manager") {
    const dialect = dialectOf(db);
    const transfersWaiting = (await first(
      db
        .select({ n: count(), others: sql<number>`coalesce(sum(case when ${transfers.makerId} <> ${user.id} and not ${approvedBy("transfer", transfers.id, epochMs(dialect, sql`coalesce(${transfers.queuedAt}, ${transfers.createdAt})`), user.id)} then 1 else 0 end), 0)`.mapWith(Number), last: max(transfers.updatedAt) })
        .from(transfers)
        .where(and(eq(transfers.status, "awaiting_approval"), isNull(transfers.batchId))),
    ))!;
    const batchesWaiting = (await first(
      db
        .select({ n: count(), others: sql<number>`coalesce(sum(case when ${batches.makerId} <> ${user.id} and not ${approvedBy("batch", batches.id, epochMs(dialect, sql`coalesce(${batches.submittedAt}, ${batches.createdAt})`), user.id)} then 1 else 0 end), 0)`.mapWith(Number), last: max(batches.updatedAt) })
        .from(batches)
        .where(eq(batches.status, "awaiting_approval")),
    ))!;
    // Leaving the queue changes the counts; joining it also moves the newest update time.
    const version = [transfersWaiting.n, transfersWaiting.last?.getTime() ?? 0, batchesWaiting.n, batchesWaiting.last?.getTime() ?? 0].join(".");
    badges.approvals = { count: Number(transfersWaiting.others) + Number(batchesWaiting.others), version };
  }
  if (user.role === "admin") {
    const unresolved = (await first(db.select({ n: count() }).from(transfers).where(eq(transfers.status, "unresolved"))))!.n;
    const discrepancies = (await first(
      db
        .select({ n: count() })
        .from(transfers)
        .where(and(isNotNull(transfers.discrepancyAt), isNull(transfers.discrepancyReviewedAt))),
    ))!.n;
    badges.attention = { count: unresolved + discrepancies + (pause ? 1 : 0) };
  }
  return badges;
}
