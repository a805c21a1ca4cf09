import { eq } from "drizzle-orm";
import type { Person } from "@/lib/actor";
import { first, type DbOrTx, type Tx } from "@/db/client";
import { isUniqueViolation } from "@/db/dialect";
import { inquiries, recipients, transfers, type ApprovalRule, type Inquiry, type Recipient, type Role, type Transfer, type TransferStatus } from "@/db/schema";
import { msg } from "@/lib/i18n/translate";
import { fail, ok, type ActionResult } from "@/lib/result";
import { notifyApprovers } from "@/lib/notifications/outbox";
import { payoutEvents } from "@/lib/webhooks/events";
import { recordAudit, recordAuditMany } from "@/lib/audit/record";
import type { TransferDeps } from "./deps";
import { describeDuplicates, nearDuplicates, tickCovers } from "./duplicates";
import type { WalletQuery } from "./inquiry";
import { findTransfer } from "./lifecycle";
import { limitProblem } from "./limits";
import { approvalRuleFor } from "@/lib/policies/tiers";
import { newReference } from "./reference";
import { sameName } from "./owner-name";
import { sendingPaused, sendTransfer } from "./send";
import { getLimits } from "./settings";
import { inEnglish, say, type Words } from "./words";

/** A look-up is good for this long (docs/lifecycle.md#4-the-confirmed-name-is-the-stored-name). */
export const inquiryFreshMs = 15 * 60_000;

export type CreatedTransfer = { transferId: number; reference: string; status: TransferStatus };

type Maker = Person & { role: Role };

/** A look-up that found the wallet and its owner's name. */
export function isConfirmed(inquiry: Inquiry): inquiry is Inquiry & { ownerName: string } {
  return inquiry.outcome === "found" && !!inquiry.ownerName;
}

type NewTransfer = {
  inquiry: Inquiry & { ownerName: string };
  status: "awaiting_approval" | "approved";
  /** The approval tier it enters the queue with (docs/policies.md#approval-tiers); a batch's rows are decided by their batch's. */
  approvalRule?: ApprovalRule | null;
  retryOfId?: number | null;
  batchId?: number | null;
  /** The near-duplicates the maker confirmed this is separate from (audited). */
  separateFrom?: readonly number[];
  /** What it is for (lib/transfers/schemas.ts memoField), already checked. */
  memo?: string | null;
  recipientId?: number | null;
  /** The saved recipient's owner's name and Cash In's, when the maker confirmed the new one (audited). */
  nameChange?: { saved: string; now: string };
};

/**
 * Writes transfers from successful look-ups, each with its audit entry: the confirmed name is the one
 * the look-up returned (rule 4). The caller has checked that each look-up is the maker's, fresh and
 * unused. Rows go in 500 at a time, so a batch's 10.000 take a fraction of a second.
 */
export async function insertTransfers(tx: Tx, { actor, ip, at }: { actor: Person; ip: string | null; at: Date }, items: readonly NewTransfer[]): Promise<Transfer[]> {
  const created: Transfer[] = [];
  for (let i = 0; i < items.length; i += 500) {
    const values = items.slice(i, i + 500).map(({ inquiry, status, approvalRule = null, retryOfId = null, batchId = null, memo = null, recipientId = null }) => ({
      reference: newReference("TRF", at),
      wallet: inquiry.wallet,
      phone: inquiry.phone,
      amount: inquiry.amount,
      ownerName: inquiry.ownerName,
      memo,
      recipientId,
      status,
      approvalRule: status === "awaiting_approval" ? approvalRule : null,
      makerId: actor.id,
      apiKeyId: actor.apiKey?.id ?? null,
      inquiryId: inquiry.id,
      retryOfId,
      batchId,
      createdAt: at,
      updatedAt: at,
    }));
    created.push(...(await tx.insert(transfers).values(values).returning()));
  }
  created.sort((a, b) => a.id - b.id);
  // A transfer of its own that waits tells the managers; a batch's transfers are told of as their batch (lib/batches/lifecycle.ts).
  for (const transfer of created) {
    if (transfer.status === "awaiting_approval" && transfer.batchId === null) await notifyApprovers(tx, "transfer.awaiting_approval", { type: "transfer", id: transfer.id, round: transfer.createdAt.getTime() }, transfer.makerId, at);
  }
  // Each payout that waits is told to the merchant's systems, a batch's rows too (docs/webhooks.md#events).
  await payoutEvents(tx, created, at);
  const separateFrom = new Map(items.map((item) => [item.inquiry.id, item.separateFrom ?? []]));
  const nameChanges = new Map(items.flatMap((item) => (item.nameChange ? [[item.inquiry.id, item.nameChange] as const] : [])));
  await recordAuditMany(
    tx,
    created.map((transfer) => ({
      actor,
      action: "transfer.create",
      target: { type: "transfer", id: transfer.id },
      after: {
        reference: transfer.reference,
        wallet: transfer.wallet,
        amount: transfer.amount,
        ownerName: transfer.ownerName,
        status: transfer.status,
        ...(transfer.memo ? { memo: transfer.memo } : {}),
        ...(transfer.recipientId ? { recipient: transfer.recipientId } : {}),
        ...(nameChanges.has(transfer.inquiryId) ? { nameChange: nameChanges.get(transfer.inquiryId) } : {}),
        ...(transfer.retryOfId ? { retryOf: transfer.retryOfId } : {}),
        ...(transfer.batchId ? { batch: transfer.batchId } : {}),
        ...(separateFrom.get(transfer.inquiryId)?.length ? { separateFrom: separateFrom.get(transfer.inquiryId) } : {}),
      },
      ip,
      at,
    })),
  );
  return created;
}

export type RetryRefusal = { message: string; retry?: { id: number; reference: string } };

async function retryRefusal(db: DbOrTx, actor: { id: number; role: Role }, original: Transfer): Promise<{ words: Words; retry?: RetryRefusal["retry"] } | null> {
  const retry = await first(db.select({ id: transfers.id, reference: transfers.reference }).from(transfers).where(eq(transfers.retryOfId, original.id)).limit(1));
  if (retry) return { words: (t) => t("server.transfers.retriedAlready", { original: original.reference, retry: retry.reference }), retry };
  if (original.status !== "failed") return { words: (t) => t("server.transfers.retryOnlyFailed") };
  if (original.makerId !== actor.id && actor.role !== "manager") return { words: (t) => t("server.transfers.retryNotYours", { original: original.reference }) };
  return null;
}

/**
 * A failed transfer may be retried once (docs/lifecycle.md#paying-twice-is-impossible), by its maker or a manager. Returns why this person
 * cannot retry it now (with its retry, if there is one), or null. The unique index on `retry_of_id` is the
 * last word when two requests race past this check. The message is in the language of `currentLocale()`.
 */
export async function whyNotRetry(db: DbOrTx, actor: { id: number; role: Role }, original: Transfer): Promise<RetryRefusal | null> {
  const refusal = await retryRefusal(db, actor, original);
  return refusal && { message: say(refusal.words), ...(refusal.retry ? { retry: refusal.retry } : {}) };
}

async function retryProblem(tx: Tx, actor: Maker, originalId: number, inquiry: Inquiry): Promise<Words | null> {
  const original = await findTransfer(tx, originalId);
  if (!original) return (t) => t("server.transfers.retryMissing");
  const refusal = await retryRefusal(tx, actor, original);
  if (refusal) return refusal.words;
  // The retry pays the same person the same amount; anything else is a new payment.
  if (inquiry.wallet !== original.wallet || inquiry.phone !== original.phone || inquiry.amount !== original.amount) {
    return (t) => t("server.transfers.retrySamePayment");
  }
  return null;
}

function isRetryConflict(error: unknown): boolean {
  return isUniqueViolation(error, { name: "transfers_retry_of_unique", columns: "transfers.retry_of_id" });
}

type NewTransferInput = WalletQuery & {
  inquiryId: number;
  retryOf?: number;
  separateFrom?: number[];
  memo?: string | null;
  /** The saved recipient it pays (docs/recipients.md#paying-a-recipient). */
  recipientId?: number;
  /** The maker saw that Cash In now names the owner differently from the saved name, and confirms the new one. */
  nameChangeAccepted?: boolean;
  /** …and the recipient is to keep the new name. */
  updateRecipientName?: boolean;
};
type MakerCtx = { actor: Maker; ip: string | null };

/**
 * Confirms a looked-up wallet as a transfer. It can be created only from the maker's own successful
 * look-up on the New transfer screen of the same wallet, number and amount in the last 15 minutes, and
 * stores the name that look-up returned. One look-up makes at most one transfer: a double click or a
 * second tab gets the first transfer back. When the same payment was made recently the maker must have
 * ticked "separate payment" for exactly those transfers. Below the approval threshold it is approved and
 * sent at once.
 */
export async function createTransfer(deps: TransferDeps, ctx: MakerCtx, input: NewTransferInput): Promise<ActionResult<CreatedTransfer>> {
  const now = deps.now();
  let created: ActionResult<CreatedTransfer>;
  try {
    created = await deps.db.transaction(async (tx) => insertConfirmed(tx, ctx, input, now));
  } catch (error) {
    if (!isRetryConflict(error)) throw error;
    // Another process retried it between our check and our insert: the unique index had the last word.
    created = await deps.db.transaction(async (tx) => refuse(tx, ctx, input, "transfer.retry_refused", (t) => t("server.transfers.retriedMeanwhile"), now));
  }
  if (!created.ok || created.data.status !== "approved") return created;

  // Safe for a resubmitted form too: the claim inside sendTransfer lets only one request send.
  const sent = await sendTransfer(deps, created.data.transferId, ctx);
  // Not claimed because sending is paused on a deposit alert (docs/deposit-alerts.md): the maker is told it waits.
  const message = sent === null && (await sendingPaused(deps)) ? msg("server.sending.createdWhilePaused") : created.message;
  return ok({ ...created.data, status: sent?.status ?? created.data.status }, message);
}

/** A refusal the UI never causes (a forged or stale retry or tick): audited (in English), nothing else changes. */
async function refuse(tx: Tx, { actor, ip }: MakerCtx, input: NewTransferInput, action: string, words: Words, at: Date): Promise<ActionResult<CreatedTransfer>> {
  await recordAudit(tx, {
    actor,
    action,
    target: { type: "transfer", id: input.retryOf ?? null },
    after: { inquiryId: input.inquiryId, retryOf: input.retryOf ?? null, separateFrom: input.separateFrom ?? [], refused: inEnglish(words) },
    ip,
    at,
  });
  return fail("conflict", say(words));
}

async function insertConfirmed(tx: Tx, ctx: MakerCtx, input: NewTransferInput, now: Date): Promise<ActionResult<CreatedTransfer>> {
  const { actor } = ctx;
  const inquiry = await first(tx.select().from(inquiries).where(eq(inquiries.id, input.inquiryId)).limit(1));
  // A batch row's or an approval's look-up never becomes a single transfer.
  if (!inquiry || inquiry.userId !== actor.id || inquiry.purpose !== "transfer") return fail("invalid", msg("server.transfers.lookUpBeforeSending"));

  const existing = await first(tx.select().from(transfers).where(eq(transfers.inquiryId, inquiry.id)).limit(1));
  if (existing) {
    return ok({ transferId: existing.id, reference: existing.reference, status: existing.status }, msg("server.transfers.alreadySubmitted"));
  }
  if (!isConfirmed(inquiry)) return fail("invalid", msg("server.transfers.lookUpFoundNothing"));
  if (inquiry.wallet !== input.wallet || inquiry.phone !== input.phone || inquiry.amount !== input.amount) {
    return fail("invalid", msg("server.transfers.changedAfterLookUp"));
  }
  if (now.getTime() - inquiry.createdAt.getTime() > inquiryFreshMs) {
    return fail("invalid", msg("server.transfers.lookUpTooOld"));
  }
  if (input.retryOf !== undefined) {
    const problem = await retryProblem(tx, actor, input.retryOf, inquiry);
    if (problem) return refuse(tx, ctx, input, "transfer.retry_refused", problem, now);
  }
  const limits = await getLimits(tx);
  const problem = await limitProblem(tx, limits, actor.id, input.amount, now);
  if (problem) return fail("forbidden", problem, { amount: [problem] });

  const duplicates = await nearDuplicates(tx, inquiry, { around: now, windowHours: limits.nearDuplicateWindowHours });
  if (!tickCovers(input.separateFrom, duplicates)) {
    if (duplicates.length > 0 && !input.separateFrom?.length) {
      return fail(
        "conflict",
        say((t, f) => t("server.transfers.samePayment", { hours: f.number(limits.nearDuplicateWindowHours), duplicates: describeDuplicates(t, duplicates) })),
      );
    }
    const words: Words = (t) =>
      duplicates.length === 0 ? t("server.transfers.tickNamesOthers") : t("server.transfers.repeatsChanged", { duplicates: describeDuplicates(t, duplicates) });
    return refuse(tx, ctx, input, "transfer.duplicate_tick_refused", words, now);
  }

  const recipient = input.recipientId === undefined ? null : await recipientProblem(tx, input, inquiry);
  if (recipient && !recipient.ok) return recipient.refusal.audit ? refuse(tx, ctx, input, "transfer.recipient_name_refused", recipient.refusal.words, now) : fail("invalid", say(recipient.refusal.words));

  // Below the first tier's floor (the approval threshold) it is sent at once; else it waits with its tier.
  const approvalRule = await approvalRuleFor(tx, input.amount);
  const status = approvalRule ? "awaiting_approval" : "approved";
  const [transfer] = await insertTransfers(tx, { actor, ip: ctx.ip, at: now }, [
    {
      inquiry,
      status,
      approvalRule,
      retryOfId: input.retryOf ?? null,
      separateFrom: duplicates.map((d) => d.id),
      memo: input.memo ?? null,
      recipientId: recipient?.recipient.id ?? null,
      ...(recipient && !sameName(recipient.recipient.ownerName, inquiry.ownerName) ? { nameChange: { saved: recipient.recipient.ownerName, now: inquiry.ownerName } } : {}),
    },
  ]);
  if (recipient) await paidRecipient(tx, ctx, recipient.recipient, inquiry, input.updateRecipientName === true, now);
  return ok({ transferId: transfer!.id, reference: transfer!.reference, status });
}

type RecipientCheck = { ok: true; recipient: Recipient } | { ok: false; refusal: { words: Words; audit: boolean } };

/**
 * A transfer to a saved recipient pays that recipient's wallet, and an owner's name that differs from the saved one
 * is sent only when the maker confirmed the new name (docs/recipients.md#paying-a-recipient): checked here, whatever the
 * screen showed.
 */
async function recipientProblem(tx: Tx, input: NewTransferInput, inquiry: Inquiry & { ownerName: string }): Promise<RecipientCheck> {
  const recipient = await first(tx.select().from(recipients).where(eq(recipients.id, input.recipientId!)).limit(1));
  if (!recipient || recipient.archivedAt) return { ok: false, refusal: { words: (t) => t("server.recipients.archivedOrGone"), audit: false } };
  if (recipient.wallet !== inquiry.wallet || recipient.phone !== inquiry.phone) return { ok: false, refusal: { words: (t) => t("server.recipients.otherWallet", { label: recipient.label }), audit: false } };
  if (!sameName(recipient.ownerName, inquiry.ownerName) && input.nameChangeAccepted !== true) {
    return { ok: false, refusal: { words: (t) => t("server.recipients.confirmNewName", { saved: recipient.ownerName, now: inquiry.ownerName }), audit: true } };
  }
  return { ok: true, recipient };
}

/** The recipient was paid now; it keeps Cash In's new name of its owner when the maker chose so. */
async function paidRecipient(tx: Tx, { actor, ip }: MakerCtx, recipient: Recipient, inquiry: Inquiry & { ownerName: string }, updateName: boolean, now: Date): Promise<void> {
  const renamed = updateName && !sameName(recipient.ownerName, inquiry.ownerName);
  await tx
    .update(recipients)
    .set({ lastPaidAt: now, ...(renamed ? { ownerName: inquiry.ownerName, inquiryId: inquiry.id, verifiedAt: now, updatedAt: now } : {}) })
    .where(eq(recipients.id, recipient.id));
  if (renamed) {
    await recordAudit(tx, {
      actor,
      action: "recipient.update",
      target: { type: "recipient", id: recipient.id },
      before: { ownerName: recipient.ownerName },
      after: { ownerName: inquiry.ownerName },
      ip,
      at: now,
    });
  }
}
