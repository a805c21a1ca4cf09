import { and, eq, gt, isNull, lt, sql } from "drizzle-orm";
import type { PersonContext } from "@/lib/actor";
import { first, type DbOrTx } from "@/db/client";
import { transfers, type Transfer, type TransferStatus } from "@/db/schema";
import { recordAudit, recordAuditNow } from "@/lib/audit/record";
import type { TopupResult } from "@/lib/cashin/client";
import { outcomeWords } from "@/lib/cashin/codes";
import { msg } from "@/lib/i18n/translate";
import { approvalRefusal, givenApprovals, namesOf, oneManager, recordApproval, type ApprovalSubject } from "@/lib/policies/tiers";
import { fail, ok, type ActionResult } from "@/lib/result";
import { refuseWhileOnHold } from "./approval-hold";
import type { ActorContext, TransferDeps } from "./deps";
import { describeDuplicates, nearDuplicates, tickCovers, type NearDuplicate } from "./duplicates";
import { lookUpWalletWithProblem } from "./inquiry";
import { findTransfer, transition } from "./lifecycle";
import { limitsStillHold } from "./limits";
import { sameName } from "./owner-name";
import { sendingPaused, sendTransfer } from "./send";
import { getLimits } from "./settings";
import { statusWord } from "./status";
import { inEnglish, say, type Words } from "./words";

type Ctx = PersonContext;

export type ApprovalOutcome =
  | { outcome: "approved"; status: TransferStatus }
  /** Its tier asks for more approvals than have been given: this one is recorded, and it keeps waiting (docs/policies.md#approval-tiers). */
  | { outcome: "recorded"; given: number; needed: number }
  /** The wallet's owner name changed since the maker confirmed it: the manager must acknowledge it. */
  | { outcome: "name_changed"; confirmedName: string; currentName: string };

function alreadyDecided(status: TransferStatus) {
  return fail("conflict", msg("server.transfers.alreadyDecided", { status: statusWord(msg, status) }));
}

/**
 * An approver refused by the tier ("you already approved this"), unless the transfer was decided meanwhile: then that
 * is the answer. The same manager's requests racing (a double click, a retry) must hear "already decided" once one of
 * them approved it, not that they still need another manager.
 */
async function refusedUnlessDecided(db: DbOrTx, transferId: number, refused: Words) {
  const status = (await findTransfer(db, transferId))?.status;
  return status && status !== "awaiting_approval" ? alreadyDecided(status) : fail("conflict", say(refused));
}

/** A batch's rows are approved, rejected or canceled with their batch, never one by one. */
function partOfBatch() {
  return fail("conflict", msg("server.transfers.partOfBatch"));
}

/** When a transfer entered the approval queue: at creation, or when an unsent approval was sent back. */
export const queuedSince = sql<Date>`coalesce(${transfers.queuedAt}, ${transfers.createdAt})`.mapWith(transfers.createdAt);

/** A time to compare `queuedSince` with, encoded as the database keeps times (milliseconds in SQLite, timestamptz in PostgreSQL). */
const queueTime = (at: Date) => sql.param(at, transfers.createdAt);

export function queuedAt(transfer: Pick<Transfer, "queuedAt" | "createdAt">): Date {
  return transfer.queuedAt ?? transfer.createdAt;
}

/** The near-duplicates of a transfer that awaits approval: on either side of it, within the window. */
export async function nearDuplicatesOf(db: DbOrTx, transfer: Pick<Transfer, "id" | "wallet" | "phone" | "amount" | "createdAt">, windowHours: number): Promise<NearDuplicate[]> {
  return nearDuplicates(db, transfer, { around: transfer.createdAt, windowHours, excludeId: transfer.id });
}

function notInTime() {
  return fail("conflict", msg("server.transfers.expired"));
}

/**
 * A manager approves a transfer that awaits approval, never their own. The limits are checked again (an
 * admin may have lowered one since), a possible duplicate needs the manager's own tick, and the wallet is
 * looked up again: if the owner's name changed, nothing happens until the manager acknowledges the new
 * name, which then becomes the transfer's confirmed name. The decision is one conditional update that
 * also checks the approval deadline, so of two managers approving at once exactly one wins, and a deadline
 * that passed during the look-up still holds (docs/lifecycle.md#paying-twice-is-impossible); the transfer is then sent at once.
 * A manager on approval hold (docs/roles.md#two-people-not-two-accounts) is refused before the look-up and
 * again in that transaction.
 */
export async function approveTransfer(
  deps: TransferDeps,
  { actor, ip }: Ctx,
  input: { transferId: number; acknowledgedName?: string; duplicatesChecked?: number[] },
): Promise<ActionResult<ApprovalOutcome>> {
  const transfer = await findTransfer(deps.db, input.transferId);
  if (!transfer) return fail("not_found", msg("server.transfers.notFound"));
  if (transfer.batchId !== null) return partOfBatch();
  if (transfer.makerId === actor.id) return fail("forbidden", msg("server.transfers.ownApproval"));
  if (transfer.status !== "awaiting_approval") return alreadyDecided(transfer.status);
  const target = { type: "transfer", id: transfer.id } as const;
  // Before the look-up too, so a refused approver spends no look-up; the last word is in the approving transaction.
  const held = await deps.db.transaction(async (tx) => refuseWhileOnHold(tx, { actor, ip }, target, "approve", deps.now()));
  if (held) return held;
  // The tier it entered the queue with, and the approvals of this round (docs/policies.md#approval-tiers).
  const rule = transfer.approvalRule ?? oneManager;
  const subject: ApprovalSubject = { type: "transfer", id: transfer.id, round: queuedAt(transfer).getTime() };
  const names = await namesOf(deps.db, rule.named);
  const nameOf = (id: number) => names.get(id) ?? `#${id}`;
  const early = approvalRefusal(rule, await givenApprovals(deps.db, subject), actor.id, nameOf);
  if (early) return refusedUnlessDecided(deps.db, transfer.id, early);
  const limits = await getLimits(deps.db);
  const windowMs = limits.approvalWindowHours * 60 * 60_000;
  if (deps.now().getTime() >= queuedAt(transfer).getTime() + windowMs) {
    await expireOverdue(deps);
    return notInTime();
  }
  const broken = await limitsStillHold(deps.db, limits, { makerId: transfer.makerId, createdAt: transfer.createdAt, amounts: [transfer.amount] });
  if (broken) return fail("forbidden", broken);
  const duplicates = await nearDuplicatesOf(deps.db, transfer, limits.nearDuplicateWindowHours);
  if (!tickCovers(input.duplicatesChecked, duplicates)) {
    const words: Words = (t) =>
      duplicates.length > 0 && !input.duplicatesChecked?.length
        ? t("server.transfers.mayRepeat", { duplicates: describeDuplicates(t, duplicates) })
        : t("server.transfers.duplicatesChanged");
    if (input.duplicatesChecked?.length) {
      const refused = inEnglish(words);
      await recordAuditNow(deps.db, { actor, action: "transfer.duplicate_tick_refused", target: { type: "transfer", id: transfer.id }, after: { duplicatesChecked: input.duplicatesChecked, refused }, ip });
    }
    return fail("conflict", say(words));
  }

  const { wallet, phone, amount } = transfer;
  const { inquiry, problem } = await lookUpWalletWithProblem(deps, actor.id, { wallet, phone, amount }, { transferId: transfer.id, purpose: "approval" });
  if (inquiry.outcome !== "found" || !inquiry.ownerName) {
    return fail("conflict", msg("server.transfers.walletNotConfirmed", { problem: problem ?? msg("server.transfers.walletNotFound") }));
  }
  const currentName = inquiry.ownerName;
  if (!sameName(currentName, transfer.ownerName) && input.acknowledgedName !== currentName) {
    return ok({ outcome: "name_changed", confirmedName: transfer.ownerName, currentName });
  }

  const ctx: ActorContext = { actor, ip };
  const renamed = sameName(currentName, transfer.ownerName) ? {} : { ownerName: currentName };
  const decided = await deps.db.transaction(
    async (tx): Promise<ActionResult<{ moved: Transfer | null } | { recorded: number }>> => {
      // The time of the decision, taken once this transaction holds the writing connection (it may have waited).
      const now = deps.now();
      // The approver re-read here: an admin may have reset their account during the look-up.
      const onHold = await refuseWhileOnHold(tx, { actor, ip }, target, "approve", now);
      if (onHold) return onHold;
      // The limits again at the last step, read in this transaction: an admin may have lowered one during the look-up.
      const limitsNow = await getLimits(tx);
      const brokenNow = await limitsStillHold(tx, limitsNow, { makerId: transfer.makerId, createdAt: transfer.createdAt, amounts: [transfer.amount] });
      if (brokenNow) return fail("forbidden", brokenNow);
      // The deadline holds at the last step too: the look-up above may have taken until past it.
      const inTime = gt(queuedSince, queueTime(new Date(now.getTime() - limitsNow.approvalWindowHours * 60 * 60_000)));
      // Read again in this transaction: another manager's approval may have landed meanwhile.
      const given = await givenApprovals(tx, subject);
      const refused = approvalRefusal(rule, given, actor.id, nameOf);
      if (refused) return refusedUnlessDecided(tx, transfer.id, refused);
      if (given.length + 1 < rule.approvals) {
        // Not the last approval: recorded only while it still waits and is in time; it keeps waiting.
        const waiting = await first(
          tx
            .update(transfers)
            .set({ ...renamed, updatedAt: now })
            .where(and(eq(transfers.id, transfer.id), eq(transfers.status, "awaiting_approval"), inTime))
            .returning({ id: transfers.id }),
        );
        if (!waiting) return ok({ moved: null });
        await recordApproval(tx, subject, rule, actor.id, now);
        await recordAudit(tx, {
          actor,
          action: "transfer.approval_given",
          target,
          after: { given: given.length + 1, needed: rule.approvals, ...(renamed.ownerName ? { ownerName: renamed.ownerName } : {}) },
          ip,
          at: now,
        });
        return ok({ recorded: given.length + 1 });
      }
      // The last approval the tier asks for: recorded in the same transaction as the conditional update that approves.
      const moved = await transition(
        tx,
        transfer.id,
        "awaiting_approval",
        "approved",
        {
          approverId: actor.id,
          decidedAt: now,
          ...renamed,
          ...(duplicates.length > 0 ? { lastMessage: inEnglish((t) => t("server.transfers.stored.separateFrom", { references: duplicates.map((d) => d.reference).join(", ") })) } : {}),
        },
        ctx,
        now,
        inTime,
      );
      if (moved) await recordApproval(tx, subject, rule, actor.id, now);
      return ok({ moved });
    },
  );
  if (!decided.ok) return decided;
  if ("recorded" in decided.data) {
    const given = decided.data.recorded;
    return ok({ outcome: "recorded", given, needed: rule.approvals }, msg("server.tiers.approvalRecorded", { given, needed: rule.approvals, left: rule.approvals - given }));
  }
  if (!decided.data.moved) {
    const status = (await findTransfer(deps.db, transfer.id))?.status ?? transfer.status;
    if (status !== "awaiting_approval") return alreadyDecided(status);
    await expireOverdue(deps);
    return notInTime();
  }
  let answer: TopupResult | undefined;
  const sent = await sendTransfer(deps, transfer.id, ctx, { onAnswer: (result) => void (answer = result) });
  return ok({ outcome: "approved", status: sent?.status ?? "approved" }, approvedMessage(sent, answer, sent === null && (await sendingPaused(deps))));
}

/**
 * Words that match facts (docs/lifecycle.md#paying-twice-is-impossible): "sent" only of a success. Cash In's refusal
 * in the approver's words when the top-up's own answer refused it; else the reason stored (in English). Not sent because
 * sending is paused on a deposit alert (docs/deposit-alerts.md): said so, with when it goes out.
 */
function approvedMessage(sent: Transfer | null, answer: TopupResult | undefined, paused = false): string {
  if (paused) return msg("server.sending.approvedWhilePaused");
  switch (sent?.status) {
    case "succeeded":
      return msg("server.transfers.approved.succeeded");
    case "failed": {
      const refusal = answer?.kind === "rejected" ? outcomeWords(msg, "topup", answer) : undefined;
      return msg("server.transfers.approved.failed", { reason: refusal ?? sent.reason ?? sent.lastMessage ?? msg("server.transfers.approved.seeItsPage") });
    }
    default:
      return msg("server.transfers.approved.sending");
  }
}

export async function rejectTransfer(deps: TransferDeps, { actor, ip }: Ctx, input: { transferId: number; reason: string }): Promise<ActionResult<null>> {
  const transfer = await findTransfer(deps.db, input.transferId);
  if (!transfer) return fail("not_found", msg("server.transfers.notFound"));
  if (transfer.batchId !== null) return partOfBatch();
  if (transfer.makerId === actor.id) return fail("forbidden", msg("server.transfers.ownDecision"));
  const now = deps.now();
  const decided = await deps.db.transaction(
    async (tx) =>
      (await refuseWhileOnHold(tx, { actor, ip }, { type: "transfer", id: transfer.id }, "reject", now)) ??
      ok(await transition(tx, transfer.id, "awaiting_approval", "rejected", { approverId: actor.id, decidedAt: now, reason: input.reason }, { actor, ip }, now)),
  );
  if (!decided.ok) return decided;
  if (!decided.data) return alreadyDecided((await findTransfer(deps.db, transfer.id))?.status ?? transfer.status);
  return ok(null, msg("server.transfers.rejected"));
}

/** The maker withdraws their own transfer while it still awaits approval. */
export async function cancelTransfer(deps: TransferDeps, { actor, ip }: Ctx, input: { transferId: number; reason?: string }): Promise<ActionResult<null>> {
  const transfer = await findTransfer(deps.db, input.transferId);
  if (!transfer) return fail("not_found", msg("server.transfers.notFound"));
  if (transfer.batchId !== null) return partOfBatch();
  if (transfer.makerId !== actor.id) return fail("forbidden", msg("server.transfers.onlyMakerCancels"));
  const now = deps.now();
  const canceled = await deps.db.transaction(async (tx) =>
    transition(tx, transfer.id, "awaiting_approval", "canceled", { decidedAt: now, reason: input.reason ?? "Canceled by its maker" }, { actor, ip }, now),
  );
  if (!canceled) {
    const status = (await findTransfer(deps.db, transfer.id))?.status ?? transfer.status;
    return fail("conflict", msg("server.transfers.cannotCancel", { status: statusWord(msg, status) }));
  }
  return ok(null, msg("server.transfers.canceled"));
}

/**
 * Transfers not decided within the approval window become `expired` (docs/lifecycle.md#transitions). Returns how many.
 * A batch's rows expire with their batch (lib/batches/decide.ts). Each in a short transaction of its own that finds it
 * still waiting and still overdue, so a transfer sent back to the queue meanwhile is not expired on a stale reading,
 * and a long list does not hold the writing connection for all of its entries at once.
 */
export async function expireOverdue(deps: TransferDeps): Promise<number> {
  const now = deps.now();
  const cutoff = new Date(now.getTime() - (await getLimits(deps.db)).approvalWindowHours * 60 * 60_000);
  const overdueNow = and(eq(transfers.status, "awaiting_approval"), lt(queuedSince, queueTime(cutoff)), isNull(transfers.batchId));
  const overdue = await deps.db.select({ id: transfers.id }).from(transfers).where(overdueNow);
  let expired = 0;
  for (const { id } of overdue) {
    const done = await deps.db.transaction(async (tx) => {
      if (!(await first(tx.select({ id: transfers.id }).from(transfers).where(and(eq(transfers.id, id), overdueNow)).limit(1)))) return null;
      return transition(tx, id, "awaiting_approval", "expired", { decidedAt: now, reason: "Not approved within the approval window" }, { actor: null, ip: null }, now);
    });
    if (done) expired++;
  }
  return expired;
}
