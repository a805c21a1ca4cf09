import { and, eq, notExists, type SQL } from "drizzle-orm";
import { first, type DbOrTx, type Tx } from "@/db/client";
import { batchRows, batches, type Batch, type BatchStatus } from "@/db/schema";
import type { Actor } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/record";
import { notifyApprovers, notifyPerson } from "@/lib/notifications/outbox";
import { batchCompletedIfDone } from "@/lib/webhooks/events";
import { msg } from "@/lib/i18n/translate";
import { fail } from "@/lib/result";
import { flagNearDuplicates } from "./duplicates";

/**
 * The batch lifecycle (docs/batches.md), beside the transfer one (lib/transfers/lifecycle.ts): a table of
 * the moves a batch may make, and one conditional `batchTransition` with its audit entry.
 */
export const allowedBatchTransitions: Record<BatchStatus, readonly BatchStatus[]> = {
  checking: ["ready", "canceled"],
  ready: ["checking", "awaiting_approval", "scheduled", "sending", "canceled"],
  awaiting_approval: ["scheduled", "sending", "rejected", "canceled", "expired"],
  // Approved, sent at its time (docs/batches.md#scheduled-batches): its maker may cancel it until then; the system
  // cancels it at the time when the limits or its wallets no longer hold.
  scheduled: ["sending", "canceled"],
  sending: ["sent"],
  sent: [],
  rejected: [],
  canceled: [],
  expired: [],
};

export class IllegalBatchTransition extends Error {
  constructor(from: BatchStatus, to: BatchStatus) {
    super(`A batch cannot go from ${from} to ${to}`);
    this.name = "IllegalBatchTransition";
  }
}

export async function findBatch(db: DbOrTx, id: number): Promise<Batch | null> {
  return (await first(db.select().from(batches).where(eq(batches.id, id)).limit(1))) ?? null;
}

/** A batch's status inside a sentence, in the language of `currentLocale()`: "awaiting approval", "menunggu persetujuan". */
export function batchStatusWord(status: BatchStatus): string {
  return msg(`batchStatus.${status}`).toLowerCase();
}

/** What a person tried to do to a batch, for `wrongStatus`. */
export type BatchChange = "edited" | "submitted" | "canceled";

export function wrongStatus(batch: Batch, doing: BatchChange) {
  return fail("conflict", msg("server.batches.cannotNow", { doing, status: batchStatusWord(batch.status) }));
}

/**
 * Moves batch `id` from `from` to `to` if it is still `from` (and `condition` holds, e.g. a deadline), with
 * its audit entry, like a transfer's `transition`: of two racing requests exactly one wins. Must run inside
 * the caller's transaction.
 */
export async function batchTransition(
  tx: Tx,
  id: number,
  from: BatchStatus,
  to: BatchStatus,
  patch: Partial<Pick<Batch, "approverId" | "submittedAt" | "decidedAt" | "reason" | "duplicatesAccepted" | "approvalRule" | "sendAt" | "pausedAt">>,
  { actor, ip, at, audit = {} }: { actor: Actor; ip: string | null; at: Date; audit?: Record<string, unknown> },
  condition?: SQL,
): Promise<Batch | null> {
  if (!allowedBatchTransitions[from].includes(to)) throw new IllegalBatchTransition(from, to);
  const updated = await first(
    tx
      .update(batches)
      .set({ ...patch, status: to, updatedAt: at })
      .where(and(eq(batches.id, id), eq(batches.status, from), condition))
      .returning(),
  );
  if (!updated) return null;
  await recordAudit(tx, {
    actor,
    action: `batch.${to}`,
    target: { type: "batch", id },
    before: { status: from },
    after: { status: to, ...(patch.reason ? { reason: patch.reason } : {}), ...audit },
    ip,
    at,
  });
  await notifyBatchTransition(tx, updated, from, at);
  // Sent with every row already settled (all refused at once, say): the merchant's systems hear of it now (docs/webhooks.md#events).
  if (to === "sent") await batchCompletedIfDone(tx, id, at);
  return updated;
}

/** The batch's side of docs/notifications.md#who-is-told-what: the managers when it waits, its maker when it is decided or expires. */
async function notifyBatchTransition(tx: Tx, batch: Batch, from: BatchStatus, at: Date): Promise<void> {
  const subject = { type: "batch", id: batch.id } as const;
  if (batch.status === "awaiting_approval") await notifyApprovers(tx, "batch.awaiting_approval", subject, batch.makerId, at);
  else if ((batch.status === "sending" || batch.status === "scheduled") && from === "awaiting_approval") await notifyPerson(tx, "batch.approved", subject, batch.makerId, at);
  else if (batch.status === "rejected" || batch.status === "expired") await notifyPerson(tx, `batch.${batch.status}`, subject, batch.makerId, at);
}

/** A checking batch whose rows are all checked becomes ready, in one statement (no row can slip in between). */
export async function markCheckedIfDone(tx: Tx, batchId: number, at: Date): Promise<boolean> {
  const pendingRows = tx
    .select({ id: batchRows.id })
    .from(batchRows)
    .where(and(eq(batchRows.batchId, batchId), eq(batchRows.state, "pending")));
  const done = await first(
    tx
      .update(batches)
      .set({ status: "ready", updatedAt: at })
      .where(and(eq(batches.id, batchId), eq(batches.status, "checking"), notExists(pendingRows)))
      .returning({ id: batches.id }),
  );
  if (done) await flagNearDuplicates(tx, batchId, at);
  return !!done;
}
