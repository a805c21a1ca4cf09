import { and, eq, type SQL } from "drizzle-orm";
import { first, type DbOrTx, type Tx } from "@/db/client";
import { transfers, type Transfer, type TransferStatus } from "@/db/schema";
import { recordAudit, recordAuditMany, type AuditInput } from "@/lib/audit/record";
import { notifyApprovers, notifyPerson } from "@/lib/notifications/outbox";
import { isPayoutEventStatus, payoutEvents, payoutEventsByIds } from "@/lib/webhooks/events";
import type { ActorContext } from "./deps";

/**
 * The transfer lifecycle of docs/lifecycle.md#transitions. Every change of status goes through `transition`, a single
 * conditional UPDATE (`WHERE status = from`) with its audit entry in the same transaction: of two
 * racing requests exactly one moves the transfer; the other sees that it lost.
 */
export const allowedTransitions: Record<TransferStatus, readonly TransferStatus[]> = {
  awaiting_approval: ["approved", "rejected", "canceled", "expired"],
  // Back to the queue: approved long ago but never sent (a crash), so it is not sent blindly (docs/lifecycle.md#paying-twice-is-impossible).
  // Canceled: the rows of a scheduled batch, never claimed, when it is canceled before its time (docs/batches.md#scheduled-batches).
  approved: ["sending", "awaiting_approval", "canceled"],
  sending: ["processing", "succeeded", "failed", "refunded", "unresolved"],
  processing: ["succeeded", "failed", "refunded", "unresolved"],
  // Later answers win only forward: a success may still be refunded; any other contradiction is a discrepancy.
  succeeded: ["refunded"],
  failed: [],
  // Settled by a late answer of Cash In, or by an admin's confirmed resolution.
  unresolved: ["succeeded", "failed", "refunded"],
  refunded: [],
  rejected: [],
  canceled: [],
  expired: [],
};

function canTransition(from: TransferStatus, to: TransferStatus): boolean {
  return allowedTransitions[from].includes(to);
}

export async function findTransfer(db: DbOrTx, id: number): Promise<Transfer | null> {
  return (await first(db.select().from(transfers).where(eq(transfers.id, id)).limit(1))) ?? null;
}

type Patch = Partial<Omit<typeof transfers.$inferInsert, "id" | "status" | "reference" | "createdAt">>;

export class IllegalTransition extends Error {
  constructor(from: TransferStatus, to: TransferStatus) {
    super(`A transfer cannot go from ${from} to ${to}`);
    this.name = "IllegalTransition";
  }
}

/**
 * Moves transfer `id` from `from` to `to` if it is still `from` (and `unless` holds, e.g. a deadline that
 * must not have passed); returns the updated row, or null when another request changed it first or the
 * condition failed. Must run inside the caller's transaction.
 */
export async function transition(
  tx: Tx,
  id: number,
  from: TransferStatus,
  to: TransferStatus,
  patch: Patch,
  { actor, ip }: ActorContext,
  at: Date,
  condition?: SQL,
): Promise<Transfer | null> {
  if (!canTransition(from, to)) throw new IllegalTransition(from, to);
  // The row itself says whether this request moved it: one row back, or none when another change came first.
  const updated = await first(
    tx
      .update(transfers)
      .set({ ...patch, status: to, updatedAt: at })
      .where(and(eq(transfers.id, id), eq(transfers.status, from), condition))
      .returning(),
  );
  if (!updated) return null;
  await recordAudit(tx, transitionAudit(id, from, to, patch, { actor, ip }, at));
  await notifyTransition(tx, updated, from, at);
  // The merchant's systems are told in the same transaction (docs/webhooks.md#events).
  await payoutEvents(tx, [updated], at);
  return updated;
}

/**
 * Who is told of a move, in the same transaction (docs/notifications.md#who-is-told-what): the managers when a
 * transfer comes back to the queue, the maker when their transfer is approved, rejected, expires or fails. A
 * batch's transfers are decided with their batch, which tells its maker once (lib/batches/lifecycle.ts); their
 * failures are each told.
 */
async function notifyTransition(tx: Tx, transfer: Transfer, from: TransferStatus, at: Date): Promise<void> {
  // A transfer sent back to the queue waits, and is decided, a second time: each time is told (its queue time).
  const subject = { type: "transfer", id: transfer.id, round: (transfer.queuedAt ?? transfer.createdAt).getTime() } as const;
  const own = transfer.batchId === null;
  switch (transfer.status) {
    case "awaiting_approval":
      if (own) await notifyApprovers(tx, "transfer.awaiting_approval", subject, transfer.makerId, at);
      return;
    case "approved":
      if (own && from === "awaiting_approval") await notifyPerson(tx, "transfer.approved", subject, transfer.makerId, at);
      return;
    case "rejected":
    case "expired":
      if (own) await notifyPerson(tx, `transfer.${transfer.status}`, subject, transfer.makerId, at);
      return;
    case "failed":
      await notifyPerson(tx, "transfer.failed", { type: "transfer", id: transfer.id }, transfer.makerId, at);
      return;
  }
}

function transitionAudit(id: number, from: TransferStatus, to: TransferStatus, patch: Patch, { actor, ip }: ActorContext, at: Date): AuditInput {
  return { actor, action: `transfer.${to}`, target: { type: "transfer", id }, before: { status: from }, after: { status: to, ...auditablePatch(patch) }, ip, at };
}

/**
 * `transition` for every transfer of a batch that is still `from`: one UPDATE and one audit entry per
 * transfer, written together, so deciding on 10.000 rows takes a fraction of a second instead of
 * blocking the server. Returns the ids it moved. Must run inside the caller's transaction.
 */
export async function transitionBatch(
  tx: Tx,
  batchId: number,
  from: TransferStatus,
  to: TransferStatus,
  patch: Patch,
  ctx: ActorContext,
  at: Date,
): Promise<number[]> {
  if (!canTransition(from, to)) throw new IllegalTransition(from, to);
  const moved = (
    await tx
      .update(transfers)
      .set({ ...patch, status: to, updatedAt: at })
      .where(and(eq(transfers.batchId, batchId), eq(transfers.status, from)))
      .returning({ id: transfers.id })
  )
    .map((t) => t.id)
    .sort((a, b) => a - b);
  await recordAuditMany(
    tx,
    moved.map((id) => transitionAudit(id, from, to, patch, ctx, at)),
  );
  if (isPayoutEventStatus(to)) await payoutEventsByIds(tx, moved, at);
  return moved;
}

/** The parts of a change a reader of the audit trail cares about (not the reconciler's bookkeeping). */
function auditablePatch(patch: Patch) {
  const { nextCheckAt: _next, leaseUntil: _lease, checks: _checks, updatedAt: _updated, ...rest } = patch;
  return Object.fromEntries(
    Object.entries(rest)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
  );
}
