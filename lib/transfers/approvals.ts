import { and, eq, isNull, lt } from "drizzle-orm";
import { transfers, type TransferStatus } from "@/db/schema";
import { fail, ok, type ActionResult } from "@/lib/result";
import type { ActorContext, TransferDeps } from "./deps";
import { lookUpWallet } from "./inquiry";
import { findTransfer, transition } from "./lifecycle";
import { sendTransfer } from "./send";
import { getLimits } from "./settings";
import { statusInfo } from "./status";

type Person = { id: number; email: string };
type Ctx = { actor: Person; ip: string | null };

export type ApprovalOutcome =
  | { outcome: "approved"; status: TransferStatus }
  /** The wallet's owner name changed since the maker confirmed it: the manager must acknowledge it. */
  | { outcome: "name_changed"; confirmedName: string; currentName: string };

function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\s+/g, " ").toLocaleLowerCase("id-ID");
  return norm(a) === norm(b);
}

function alreadyDecided(status: TransferStatus) {
  return fail("conflict", `This transfer was already decided: it is ${statusInfo[status].label.toLowerCase()}.`);
}

/** A batch's rows are approved, rejected or canceled with their batch, never one by one. */
function partOfBatch() {
  return fail("conflict", "This transfer is a row of a batch payout: approve, reject or cancel the batch as a whole.");
}

function approvalDeadline(deps: TransferDeps, createdAt: Date): Date {
  return new Date(createdAt.getTime() + getLimits(deps.db).approvalWindowHours * 60 * 60_000);
}

/**
 * A manager approves a transfer that awaits approval, never their own. The wallet is looked up again
 * first: if the owner's name changed, nothing happens until the manager acknowledges the new name, which
 * then becomes the transfer's confirmed name. The decision is one conditional update, so of two managers
 * approving at once exactly one wins; the transfer is then sent at once.
 */
export async function approveTransfer(
  deps: TransferDeps,
  { actor, ip }: Ctx,
  input: { transferId: number; acknowledgedName?: string },
): Promise<ActionResult<ApprovalOutcome>> {
  const transfer = findTransfer(deps.db, input.transferId);
  if (!transfer) return fail("not_found", "This transfer does not exist.");
  if (transfer.batchId !== null) return partOfBatch();
  if (transfer.makerId === actor.id) return fail("forbidden", "You cannot approve your own transfer: another manager must.");
  if (transfer.status !== "awaiting_approval") return alreadyDecided(transfer.status);
  if (deps.now() >= approvalDeadline(deps, transfer.createdAt)) {
    expireOverdue(deps);
    return fail("conflict", "This transfer was not approved in time and has expired. The maker can submit it again.");
  }

  const { wallet, phone, amount } = transfer;
  const inquiry = await lookUpWallet(deps, actor.id, { wallet, phone, amount }, { transferId: transfer.id });
  if (inquiry.outcome !== "found" || !inquiry.ownerName) {
    return fail("conflict", `The wallet could not be confirmed: ${inquiry.message} The transfer still awaits approval.`);
  }
  const currentName = inquiry.ownerName;
  if (!sameName(currentName, transfer.ownerName) && input.acknowledgedName !== currentName) {
    return ok({ outcome: "name_changed", confirmedName: transfer.ownerName, currentName });
  }

  const now = deps.now();
  const ctx: ActorContext = { actor, ip };
  const approved = deps.db.transaction(
    (tx) =>
      transition(
        tx,
        transfer.id,
        "awaiting_approval",
        "approved",
        { approverId: actor.id, decidedAt: now, ...(sameName(currentName, transfer.ownerName) ? {} : { ownerName: currentName }) },
        ctx,
        now,
      ),
    { behavior: "immediate" },
  );
  if (!approved) {
    return alreadyDecided(findTransfer(deps.db, transfer.id)?.status ?? transfer.status);
  }
  const sent = await sendTransfer(deps, transfer.id, ctx);
  return ok({ outcome: "approved", status: sent?.status ?? "approved" }, "Approved and sent to Cash In.");
}

export function rejectTransfer(deps: TransferDeps, { actor, ip }: Ctx, input: { transferId: number; reason: string }): ActionResult<null> {
  const transfer = findTransfer(deps.db, input.transferId);
  if (!transfer) return fail("not_found", "This transfer does not exist.");
  if (transfer.batchId !== null) return partOfBatch();
  if (transfer.makerId === actor.id) return fail("forbidden", "You cannot decide on your own transfer: another manager must.");
  const now = deps.now();
  const rejected = deps.db.transaction(
    (tx) =>
      transition(tx, transfer.id, "awaiting_approval", "rejected", { approverId: actor.id, decidedAt: now, reason: input.reason }, { actor, ip }, now),
    { behavior: "immediate" },
  );
  if (!rejected) return alreadyDecided(findTransfer(deps.db, transfer.id)?.status ?? transfer.status);
  return ok(null, "Rejected. The maker sees your reason.");
}

/** The maker withdraws their own transfer while it still awaits approval. */
export function cancelTransfer(deps: TransferDeps, { actor, ip }: Ctx, input: { transferId: number; reason?: string }): ActionResult<null> {
  const transfer = findTransfer(deps.db, input.transferId);
  if (!transfer) return fail("not_found", "This transfer does not exist.");
  if (transfer.batchId !== null) return partOfBatch();
  if (transfer.makerId !== actor.id) return fail("forbidden", "Only the person who made this transfer can cancel it.");
  const now = deps.now();
  const canceled = deps.db.transaction(
    (tx) =>
      transition(tx, transfer.id, "awaiting_approval", "canceled", { decidedAt: now, reason: input.reason ?? "Canceled by its maker" }, { actor, ip }, now),
    { behavior: "immediate" },
  );
  if (!canceled) {
    const status = findTransfer(deps.db, transfer.id)?.status ?? transfer.status;
    return fail("conflict", `It can no longer be canceled: it is ${statusInfo[status].label.toLowerCase()}.`);
  }
  return ok(null, "Canceled. Nothing was sent.");
}

/**
 * Transfers not decided within the approval window become `expired` (SPEC §3.2). Returns how many.
 * A batch's rows expire with their batch (lib/batches/decide.ts).
 */
export function expireOverdue(deps: TransferDeps): number {
  const now = deps.now();
  const cutoff = new Date(now.getTime() - getLimits(deps.db).approvalWindowHours * 60 * 60_000);
  const overdue = deps.db
    .select({ id: transfers.id })
    .from(transfers)
    .where(and(eq(transfers.status, "awaiting_approval"), lt(transfers.createdAt, cutoff), isNull(transfers.batchId)))
    .all();
  let expired = 0;
  for (const { id } of overdue) {
    const done = deps.db.transaction(
      (tx) =>
        transition(tx, id, "awaiting_approval", "expired", { decidedAt: now, reason: "Not approved within the approval window" }, { actor: null, ip: null }, now),
      { behavior: "immediate" },
    );
    if (done) expired++;
  }
  return expired;
}
