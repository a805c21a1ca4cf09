import { and, asc, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { batchRows, batches, transfers } from "@/db/schema";
import { system, type ActorContext } from "@/lib/actor";
import type { TransferDeps } from "@/lib/transfers/deps";
import { isRateLimited } from "@/lib/cashin/codes";
import { sendTransfer } from "@/lib/transfers/send";
import type { Backoff } from "./backoff";
import { batchTransition, findBatch } from "./lifecycle";
import { pool } from "@/lib/concurrency";
import { isDraining } from "@/lib/shutdown";
import { isSendingPaused } from "@/lib/sending/pause";

/**
 * The rows a (re)started send step still has to send: those whose transfer is still `approved`, in file
 * order. A row already claimed (`sending`) may have reached Cash In before a crash, so it is never
 * picked again: the reconciler settles it with the status call. This is what makes a restart resume
 * where it stopped without a second top-up (docs/lifecycle.md#money-safety-invariants).
 */
export async function rowsToSend(db: DbOrTx, batchId: number, limit = 1_000): Promise<number[]> {
  const rows = await db
    .select({ id: transfers.id })
    .from(batchRows)
    .innerJoin(transfers, eq(transfers.id, batchRows.transferId))
    .where(and(eq(batchRows.batchId, batchId), eq(transfers.status, "approved")))
    .orderBy(asc(batchRows.line))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * The send step: every approved row sent through the single-transfer path (`sendTransfer`, whose claim
 * lets each transfer out once, and which fetches the Cash In reference of a success with a status call),
 * `concurrency` at a time, slowing down on 429. When no row is left to send the batch is `sent`; rows
 * still `processing` are settled by the reconciler. A paused batch sends nothing until a person confirms.
 * While sending is paused on a deposit alert (docs/deposit-alerts.md) it stops: no row is claimed after the pause
 * (rows already on their way, at most `concurrency - 1`, get their own answers), the batch stays `sending`, and the
 * reconciler's next pass after an admin's resume sends its remaining rows.
 */
export async function sendApprovedRows(
  deps: TransferDeps,
  batchId: number,
  { concurrency, backoff, ctx }: { concurrency: number; backoff: Backoff; ctx: ActorContext },
): Promise<void> {
  for (;;) {
    // Stopping: the batch stays `sending` and resumes after the restart (docs/architecture.md#stopping-cleanly).
    if (isDraining()) return;
    const batch = await findBatch(deps.db, batchId);
    if (batch?.status !== "sending" || batch.pausedAt !== null) return;
    if (await isSendingPaused(deps.db)) return;
    const ids = await rowsToSend(deps.db, batchId);
    if (ids.length === 0) {
      const at = deps.now();
      // Sent once no row is left to send, read again in the transaction that says so.
      const sent = await deps.db.transaction(async (tx) => {
        if ((await rowsToSend(tx, batchId, 1)).length > 0) return false;
        await batchTransition(tx, batchId, "sending", "sent", {}, { ...system, at }, isNull(batches.pausedAt));
        return true;
      });
      if (sent) return;
      continue;
    }
    await pool(ids, concurrency, async (id) => {
      await backoff.ready();
      // A refusal of an earlier row paused sending: the rest waits for the resume (sendTransfer would claim nothing either).
      if (await isSendingPaused(deps.db)) return;
      await sendTransfer(deps, id, ctx, { onAnswer: (result) => (isRateLimited(result) ? backoff.slowDown() : backoff.answered()) });
    });
  }
}
