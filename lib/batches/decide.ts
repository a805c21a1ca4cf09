import { and, eq, lt } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { batches, type Batch, type TransferStatus } from "@/db/schema";
import { fail, ok, type ActionResult } from "@/lib/result";
import type { ActorContext, TransferDeps } from "@/lib/transfers/deps";
import { transitionBatch } from "@/lib/transfers/lifecycle";
import { getLimits } from "@/lib/transfers/settings";
import { batchTransition, findBatch, wrongStatus, type BatchCtx } from "./common";
import { batchStatusLabel } from "./labels";

function alreadyDecided(batch: Batch | null) {
  return fail("conflict", `This batch was already decided: it is ${batch ? batchStatusLabel[batch.status].toLowerCase() : "gone"}.`);
}

/** Moves every row of the batch still awaiting approval to `to`, each with its own audit entry. */
function decideRows(tx: Tx, batchId: number, to: TransferStatus, patch: { approverId?: number; decidedAt: Date; reason?: string }, ctx: ActorContext, at: Date): number {
  return transitionBatch(tx, batchId, "awaiting_approval", to, patch, ctx, at).length;
}

function deadlineOf(deps: Pick<TransferDeps, "db">, batch: Batch): Date {
  return new Date((batch.submittedAt ?? batch.createdAt).getTime() + getLimits(deps.db).approvalWindowHours * 3_600_000);
}

/**
 * A manager approves a submitted batch as one item, never their own. The batch and every row move in
 * one transaction (one conditional update decides between two managers); the caller then starts
 * sending. The rows keep the names the maker confirmed at submit, from look-ups of the 15 minutes before.
 */
export function approveBatch(deps: Pick<TransferDeps, "db" | "now">, { actor, ip }: BatchCtx, input: { batchId: number }): ActionResult<{ rows: number }> {
  const batch = findBatch(deps.db, input.batchId);
  if (!batch) return fail("not_found", "This batch does not exist.");
  if (batch.makerId === actor.id) return fail("forbidden", "You cannot approve your own batch: another manager must.");
  if (batch.status !== "awaiting_approval") return alreadyDecided(batch);
  const now = deps.now();
  if (now >= deadlineOf(deps, batch)) {
    expireOverdueBatches(deps);
    return fail("conflict", "This batch was not approved in time and has expired. Its maker can upload it again.");
  }
  return deps.db.transaction(
    (tx) => {
      const moved = batchTransition(tx, batch.id, "awaiting_approval", "sending", { approverId: actor.id, decidedAt: now }, { actor, ip, at: now });
      if (!moved) return alreadyDecided(findBatch(tx, batch.id));
      const rows = decideRows(tx, batch.id, "approved", { approverId: actor.id, decidedAt: now }, { actor, ip }, now);
      return ok({ rows }, `Approved. Sending ${rows} transfers to Cash In.`);
    },
    { behavior: "immediate" },
  );
}

export function rejectBatch(deps: Pick<TransferDeps, "db" | "now">, { actor, ip }: BatchCtx, input: { batchId: number; reason: string }): ActionResult<null> {
  const batch = findBatch(deps.db, input.batchId);
  if (!batch) return fail("not_found", "This batch does not exist.");
  if (batch.makerId === actor.id) return fail("forbidden", "You cannot decide on your own batch: another manager must.");
  const now = deps.now();
  return deps.db.transaction(
    (tx) => {
      const moved = batchTransition(tx, batch.id, "awaiting_approval", "rejected", { approverId: actor.id, decidedAt: now, reason: input.reason }, { actor, ip, at: now });
      if (!moved) return alreadyDecided(findBatch(tx, batch.id));
      decideRows(tx, batch.id, "rejected", { approverId: actor.id, decidedAt: now, reason: input.reason }, { actor, ip }, now);
      return ok(null, "Rejected. The maker sees your reason; nothing was sent.");
    },
    { behavior: "immediate" },
  );
}

/** The maker withdraws a batch: while it is being checked, ready, or awaiting approval. Nothing is sent. */
export function cancelBatch(deps: Pick<TransferDeps, "db" | "now">, { actor, ip }: BatchCtx, input: { batchId: number; reason?: string }): ActionResult<null> {
  const batch = findBatch(deps.db, input.batchId);
  if (!batch) return fail("not_found", "This batch does not exist.");
  if (batch.makerId !== actor.id) return fail("forbidden", "Only the person who uploaded this batch can cancel it.");
  if (!["checking", "ready", "awaiting_approval"].includes(batch.status)) return wrongStatus(batch, "canceled");
  const now = deps.now();
  const reason = input.reason ?? "Canceled by its maker";
  return deps.db.transaction(
    (tx) => {
      const moved = batchTransition(tx, batch.id, batch.status, "canceled", { decidedAt: now, reason }, { actor, ip, at: now });
      if (!moved) return wrongStatus(findBatch(tx, batch.id) ?? batch, "canceled");
      decideRows(tx, batch.id, "canceled", { decidedAt: now, reason }, { actor, ip }, now);
      return ok(null, "Canceled. Nothing was sent.");
    },
    { behavior: "immediate" },
  );
}

/** Batches not decided within the approval window expire with all their rows. Returns how many. */
export function expireOverdueBatches(deps: Pick<TransferDeps, "db" | "now">): number {
  const now = deps.now();
  const cutoff = new Date(now.getTime() - getLimits(deps.db).approvalWindowHours * 3_600_000);
  const overdue = deps.db
    .select({ id: batches.id })
    .from(batches)
    .where(and(eq(batches.status, "awaiting_approval"), lt(batches.submittedAt, cutoff)))
    .all();
  let expired = 0;
  const reason = "Not approved within the approval window";
  for (const { id } of overdue) {
    const done = deps.db.transaction(
      (tx) => {
        const moved = batchTransition(tx, id, "awaiting_approval", "expired", { decidedAt: now, reason }, { actor: null, ip: null, at: now });
        if (moved) decideRows(tx, id, "expired", { decidedAt: now, reason }, { actor: null, ip: null }, now);
        return moved;
      },
      { behavior: "immediate" },
    );
    if (done) expired++;
  }
  return expired;
}
