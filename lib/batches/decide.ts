import { system, type PersonContext } from "@/lib/actor";
import { and, asc, count, eq, gt, inArray, isNotNull, lt, ne, sql } from "drizzle-orm";
import { first, type DbOrTx, type Tx } from "@/db/client";
import { batchRows, batches, transfers, type Batch, type BatchRow, type TransferStatus } from "@/db/schema";
import { recordAudit, recordAuditMany } from "@/lib/audit/record";
import { formatFor } from "@/lib/format";
import { currentLocale } from "@/lib/i18n/current";
import { storedText } from "@/lib/i18n/stored";
import { msg } from "@/lib/i18n/translate";
import { approvalRefusal, givenApprovals, namesOf, oneManager, recordApproval, type ApprovalSubject } from "@/lib/policies/tiers";
import { fail, ok, type ActionResult } from "@/lib/result";
import { say } from "@/lib/transfers/words";
import { inquiryFreshMs } from "@/lib/transfers/create";
import type { ActorContext, TransferDeps } from "@/lib/transfers/deps";
import { transitionBatch } from "@/lib/transfers/lifecycle";
import { refuseWhileOnHold } from "@/lib/transfers/approval-hold";
import { limitsStillHold } from "@/lib/transfers/limits";
import { sameName } from "@/lib/transfers/owner-name";
import { getLimits } from "@/lib/transfers/settings";
import { flaggedCount } from "./duplicates";
import { batchStatusWord, batchTransition, findBatch, wrongStatus } from "./lifecycle";

function alreadyDecided(batch: Batch | null) {
  return fail("conflict", batch ? msg("server.batches.alreadyDecided", { status: batchStatusWord(batch.status) }) : msg("server.batches.alreadyDecidedGone"));
}

/** Moves every row of the batch still awaiting approval to `to`, each with its own audit entry. */
async function decideRows(tx: Tx, batchId: number, to: TransferStatus, patch: { approverId?: number; decidedAt: Date; reason?: string }, ctx: ActorContext, at: Date): Promise<number> {
  return (await transitionBatch(tx, batchId, "awaiting_approval", to, patch, ctx, at)).length;
}

/** A look-up this close to its 15 minutes is redone rather than risk going stale before the rows are sent. */
const freshnessMarginMs = 60_000;
/** At most this many drifted names are listed in the approval dialog; the count covers them all. */
const listedDrift = 50;

export type NameDrift = { line: number; confirmedName: string; currentName: string };

export type BatchApproval =
  | { outcome: "approved"; rows: number }
  /** Its tier asks for more approvals than have been given: this one is recorded, and it keeps waiting (docs/policies.md#approval-tiers). */
  | { outcome: "recorded"; given: number; needed: number }
  /** Some look-ups were older than 15 minutes: they are being redone; approve again once they are. */
  | { outcome: "rechecking"; rows: number }
  /** Owner names changed since the maker confirmed them: the approver acknowledges them first. */
  | { outcome: "name_changed"; count: number; rows: NameDrift[] };

type BatchRowWithTransfer = { line: number; state: BatchRow["state"]; problem: string | null; checkedAt: Date | null; ownerName: string | null; amount: number | null; transferId: number; confirmedName: string };

async function liveRowsOf(tx: DbOrTx, batchId: number): Promise<BatchRowWithTransfer[]> {
  return await tx
    .select({
      line: batchRows.line,
      state: batchRows.state,
      problem: batchRows.problem,
      checkedAt: batchRows.checkedAt,
      ownerName: batchRows.ownerName,
      amount: batchRows.amount,
      transferId: transfers.id,
      confirmedName: transfers.ownerName,
    })
    .from(batchRows)
    .innerJoin(transfers, eq(transfers.id, batchRows.transferId))
    .where(and(eq(batchRows.batchId, batchId), ne(batchRows.state, "removed")))
    .orderBy(asc(batchRows.line));
}

/**
 * A manager approves a submitted batch as one item, never their own (docs/lifecycle.md#paying-twice-is-impossible "deadlines hold at the last
 * step"). First the rows are checked again: look-ups older than 15 minutes are redone, by this manager, in
 * the background (the answer is then "rechecking"); limits are checked again; owner names that changed
 * since the maker confirmed them are held back until the manager acknowledges them (`acknowledgedDrift` =
 * how many); flagged rows (repeats) need the manager's own tick (`duplicatesChecked` = how many). Then the
 * batch and every row move in one transaction whose conditional update also checks the deadline; the
 * caller starts sending. A manager on approval hold (docs/roles.md#two-people-not-two-accounts) is refused
 * before any of it.
 */
export async function approveBatch(
  deps: Pick<TransferDeps, "db" | "now">,
  { actor, ip }: PersonContext,
  input: { batchId: number; acknowledgedDrift?: number; duplicatesChecked?: number },
): Promise<ActionResult<BatchApproval>> {
  const now = deps.now();
  let overdue = false;
  const result = await deps.db.transaction(
    async (tx): Promise<ActionResult<BatchApproval>> => {
      // Set afresh by each run of this work: on PostgreSQL a transaction refused for a conflict runs again.
      overdue = false;
      // The batch, its status, its re-check and the limits are read in the approving transaction: they decide it.
      const batch = await findBatch(tx, input.batchId);
      if (!batch) return fail("not_found", msg("server.batches.notFound"));
      if (batch.makerId === actor.id) return fail("forbidden", msg("server.batches.ownApproval"));
      if (batch.status !== "awaiting_approval") return alreadyDecided(batch);
      const limits = await getLimits(tx);
      const windowMs = limits.approvalWindowHours * 3_600_000;
      const submittedAt = batch.submittedAt ?? batch.createdAt;
      if (now.getTime() >= submittedAt.getTime() + windowMs) {
        // Expired with the other overdue batches once this transaction ends.
        overdue = true;
        return fail("conflict", msg("server.batches.expired"));
      }
      if (batch.recheckRequestedAt !== null) return fail("conflict", msg("server.batches.stillRechecking"));
      const rule = batch.approvalRule ?? oneManager;
      const subject: ApprovalSubject = { type: "batch", id: batch.id, round: submittedAt.getTime() };
      const names = await namesOf(tx, rule.named);

      // Re-read in the approving transaction, before any re-check is made in this person's name.
      const held = await refuseWhileOnHold(tx, { actor, ip }, { type: "batch", id: batch.id }, "approve", now);
      if (held) return held;
      // The tier it was submitted with, and the approvals of this submission (docs/policies.md#approval-tiers).
      const given = await givenApprovals(tx, subject);
      const refused = approvalRefusal(rule, given, actor.id, (id) => names.get(id) ?? `#${id}`);
      if (refused) {
        // Decided meanwhile (this person's other request approved it): say so, not that another manager is needed.
        const current = await findBatch(tx, batch.id);
        return current && current.status !== "awaiting_approval" ? alreadyDecided(current) : fail("conflict", say(refused));
      }
      const rows = await liveRowsOf(tx, batch.id);
      const broken = await limitsStillHold(tx, limits, { makerId: batch.makerId, createdAt: submittedAt, amounts: rows.map((r) => r.amount ?? 0) });
      if (broken) return fail("forbidden", broken);

      const staleBefore = now.getTime() - inquiryFreshMs + freshnessMarginMs;
      const stale = rows.filter((r) => (r.state === "ok" || r.state === "unconfirmed") && (r.checkedAt === null || r.checkedAt.getTime() < staleBefore));
      if (stale.length > 0) {
        await tx
          .update(batchRows)
          .set({ state: "pending", version: sql`${batchRows.version} + 1` })
          .where(and(eq(batchRows.batchId, batch.id), inArray(batchRows.line, stale.map((r) => r.line)), ne(batchRows.state, "removed")));
        await tx.update(batches).set({ recheckRequestedAt: now, recheckBy: actor.id, updatedAt: now }).where(eq(batches.id, batch.id));
        await recordAudit(tx, { actor, action: "batch.recheck", target: { type: "batch", id: batch.id }, after: { rows: stale.length }, ip, at: now });
        return ok({ outcome: "rechecking", rows: stale.length }, msg("server.batches.recheckBeforeApproval", { count: stale.length }));
      }

      const unconfirmed = rows.filter((r) => r.state === "unconfirmed");
      if (unconfirmed.length > 0) {
        // A row's problem is the look-up's stored answer: kept in English, read in the manager's language.
        const lines = unconfirmed
          .slice(0, 5)
          .map((r) => msg("server.batches.unconfirmedLine", { line: String(r.line), problem: r.problem ? storedText(r.problem, currentLocale()) : msg("server.batches.notConfirmed") }))
          .join("; ");
        return fail("conflict", msg("server.batches.unconfirmed", { count: unconfirmed.length, lines }));
      }

      const drift = rows.filter((r) => r.ownerName !== null && !sameName(r.ownerName, r.confirmedName));
      if (drift.length > 0 && input.acknowledgedDrift !== drift.length) {
        return ok({
          outcome: "name_changed",
          count: drift.length,
          rows: drift.slice(0, listedDrift).map((r) => ({ line: r.line, confirmedName: r.confirmedName, currentName: r.ownerName! })),
        });
      }

      const flagged = await flaggedCount(tx, batch.id);
      if (flagged > 0 && input.duplicatesChecked !== flagged) {
        const message = input.duplicatesChecked ? msg("server.batches.repeatsChanged") : msg("server.batches.tickRepeats", { count: flagged });
        if (input.duplicatesChecked) await recordAudit(tx, { actor, action: "batch.duplicate_tick_refused", target: { type: "batch", id: batch.id }, after: { duplicatesChecked: input.duplicatesChecked, flagged }, ip, at: now });
        return fail("conflict", message);
      }

      if (given.length + 1 < rule.approvals) {
        // Not the last approval the tier asks for: recorded while the batch still waits and is in time; it keeps waiting.
        const waiting = await first(
          tx
            .update(batches)
            .set({ updatedAt: now })
            .where(and(eq(batches.id, batch.id), eq(batches.status, "awaiting_approval"), gt(batches.submittedAt, new Date(now.getTime() - windowMs))))
            .returning({ id: batches.id }),
        );
        if (!waiting) return alreadyDecided(await findBatch(tx, batch.id));
        await acknowledgeNames(tx, drift, { actor, ip }, now);
        await recordApproval(tx, subject, rule, actor.id, now);
        await recordAudit(tx, { actor, action: "batch.approval_given", target: { type: "batch", id: batch.id }, after: { given: given.length + 1, needed: rule.approvals }, ip, at: now });
        const recorded = given.length + 1;
        return ok({ outcome: "recorded", given: recorded, needed: rule.approvals }, msg("server.tiers.approvalRecorded", { given: recorded, needed: rule.approvals, left: rule.approvals - recorded }));
      }
      // A batch scheduled for later waits for its time once approved (docs/batches.md#scheduled-batches); one whose time has passed is sent now.
      const scheduled = batch.sendAt !== null && batch.sendAt.getTime() > now.getTime();
      const moved = await batchTransition(
        tx,
        batch.id,
        "awaiting_approval",
        scheduled ? "scheduled" : "sending",
        { approverId: actor.id, decidedAt: now },
        { actor, ip, at: now, audit: drift.length > 0 ? { namesAcknowledged: drift.length } : {} },
        // The deadline holds at the last step too (docs/lifecycle.md#paying-twice-is-impossible).
        gt(batches.submittedAt, new Date(now.getTime() - windowMs)),
      );
      if (!moved) {
        const current = await findBatch(tx, batch.id);
        return current?.status === "awaiting_approval" ? fail("conflict", msg("server.batches.expired")) : alreadyDecided(current);
      }
      await recordApproval(tx, subject, rule, actor.id, now);
      await acknowledgeNames(tx, drift, { actor, ip }, now);
      const approved = await decideRows(tx, batch.id, "approved", { approverId: actor.id, decidedAt: now }, { actor, ip }, now);
      const format = formatFor(currentLocale());
      if (scheduled) return ok({ outcome: "approved", rows: approved }, msg("server.batches.schedule.approved", { count: format.number(approved), when: format.dateTime(batch.sendAt!) }));
      return ok({ outcome: "approved", rows: approved }, msg("server.batches.approved", { count: format.number(approved) }));
    },
  );
  if (overdue) await expireOverdueBatches(deps);
  return result;
}

/** The approver acknowledged the names Cash In gives now: they become the transfers' confirmed names, audited. */
async function acknowledgeNames(tx: Tx, drift: readonly BatchRowWithTransfer[], ctx: ActorContext, at: Date): Promise<void> {
  for (const row of drift) await tx.update(transfers).set({ ownerName: row.ownerName!, updatedAt: at }).where(eq(transfers.id, row.transferId));
  await recordAuditMany(
    tx,
    drift.map((row) => ({
      actor: ctx.actor,
      action: "transfer.owner_name",
      target: { type: "transfer", id: row.transferId },
      before: { ownerName: row.confirmedName },
      after: { ownerName: row.ownerName, acknowledgedAtApproval: true },
      ip: ctx.ip,
      at,
    })),
  );
}

export async function rejectBatch(deps: Pick<TransferDeps, "db" | "now">, { actor, ip }: PersonContext, input: { batchId: number; reason: string }): Promise<ActionResult<null>> {
  const batch = await findBatch(deps.db, input.batchId);
  if (!batch) return fail("not_found", msg("server.batches.notFound"));
  if (batch.makerId === actor.id) return fail("forbidden", msg("server.batches.ownDecision"));
  const now = deps.now();
  return deps.db.transaction(
    async (tx) => {
      const held = await refuseWhileOnHold(tx, { actor, ip }, { type: "batch", id: batch.id }, "reject", now);
      if (held) return held;
      const moved = await batchTransition(tx, batch.id, "awaiting_approval", "rejected", { approverId: actor.id, decidedAt: now, reason: input.reason }, { actor, ip, at: now });
      if (!moved) return alreadyDecided(await findBatch(tx, batch.id));
      await decideRows(tx, batch.id, "rejected", { approverId: actor.id, decidedAt: now, reason: input.reason }, { actor, ip }, now);
      return ok(null, msg("server.batches.rejected"));
    },
  );
}

/**
 * The maker withdraws a batch: while it is being checked, ready, awaiting approval, or scheduled and its time has not
 * come (docs/batches.md#scheduled-batches; the same conditional update checks the time). Nothing is sent.
 */
export async function cancelBatch(deps: Pick<TransferDeps, "db" | "now">, { actor, ip }: PersonContext, input: { batchId: number; reason?: string }): Promise<ActionResult<null>> {
  const batch = await findBatch(deps.db, input.batchId);
  if (!batch) return fail("not_found", msg("server.batches.notFound"));
  if (batch.makerId !== actor.id) return fail("forbidden", msg("server.batches.onlyMakerCancels"));
  const now = deps.now();
  const due = (b: Batch) => b.status === "scheduled" && b.sendAt !== null && b.sendAt.getTime() <= now.getTime();
  if (due(batch)) return fail("conflict", msg("server.batches.schedule.tooLateToCancel", { when: formatFor(currentLocale()).dateTime(batch.sendAt!) }));
  if (!["checking", "ready", "awaiting_approval", "scheduled"].includes(batch.status)) return wrongStatus(batch, "canceled");
  const reason = input.reason ?? "Canceled by its maker";
  return deps.db.transaction(
    async (tx) => {
      const moved = await batchTransition(tx, batch.id, batch.status, "canceled", { decidedAt: now, reason }, { actor, ip, at: now }, batch.status === "scheduled" ? gt(batches.sendAt, now) : undefined);
      if (!moved) {
        const current = (await findBatch(tx, batch.id)) ?? batch;
        if (due(current)) return fail("conflict", msg("server.batches.schedule.tooLateToCancel", { when: formatFor(currentLocale()).dateTime(current.sendAt!) }));
        return wrongStatus(current, "canceled");
      }
      // A scheduled batch's rows are approved, never claimed; the others' await approval.
      await transitionBatch(tx, batch.id, batch.status === "scheduled" ? "approved" : "awaiting_approval", "canceled", { decidedAt: now, reason }, { actor, ip }, now);
      return ok(null, msg("server.batches.canceled"));
    },
  );
}

/** Batches not decided within the approval window expire with all their rows. Returns how many. */
export async function expireOverdueBatches(deps: Pick<TransferDeps, "db" | "now">): Promise<number> {
  const now = deps.now();
  const overdue = async (db: DbOrTx, id?: number) => {
    const cutoff = new Date(now.getTime() - (await getLimits(db)).approvalWindowHours * 3_600_000);
    return await db
      .select({ id: batches.id })
      .from(batches)
      .where(and(eq(batches.status, "awaiting_approval"), lt(batches.submittedAt, cutoff), id === undefined ? undefined : eq(batches.id, id)));
  };
  const reason = "Not approved within the approval window";
  let expired = 0;
  // Each batch in a transaction of its own (a batch and its rows together), which reads again whether it is still
  // overdue: the window (an admin may have widened it) and its status.
  for (const { id } of await overdue(deps.db)) {
    const moved = await deps.db.transaction(async (tx) => {
      if ((await overdue(tx, id)).length === 0) return false;
      const moved = await batchTransition(tx, id, "awaiting_approval", "expired", { decidedAt: now, reason }, { ...system, at: now });
      if (moved) await decideRows(tx, id, "expired", { decidedAt: now, reason }, system, now);
      return Boolean(moved);
    });
    if (moved) expired++;
  }
  return expired;
}

/**
 * A batch whose sending stopped for more than 15 minutes (a crash) is paused instead of resumed (docs/lifecycle.md#paying-twice-is-impossible):
 * its approver (or, for a batch that needed no approval, its maker; or another manager) confirms before the
 * rest is sent. The caller starts sending again.
 */
export async function confirmResume(
  deps: Pick<TransferDeps, "db" | "now">,
  { actor, ip }: PersonContext & { actor: { role: string } },
  input: { batchId: number },
): Promise<ActionResult<{ notSent: number }>> {
  const batch = await findBatch(deps.db, input.batchId);
  if (!batch) return fail("not_found", msg("server.batches.notFound"));
  if (batch.status !== "sending" || batch.pausedAt === null) return fail("conflict", msg("server.batches.notPaused"));
  const allowed = actor.id === (batch.approverId ?? batch.makerId) || (actor.role === "manager" && actor.id !== batch.makerId);
  if (!allowed) return fail("forbidden", msg("server.batches.whoConfirmsResume"));
  const now = deps.now();
  return deps.db.transaction(
    async (tx) => {
      const resumed = await first(
        tx
          .update(batches)
          .set({ pausedAt: null, leaseUntil: null, updatedAt: now })
          .where(and(eq(batches.id, batch.id), eq(batches.status, "sending"), isNotNull(batches.pausedAt)))
          .returning({ id: batches.id }),
      );
      if (!resumed) return fail("conflict", msg("server.batches.changedMeanwhile"));
      const notSent = (await first(
        tx
          .select({ n: count() })
          .from(transfers)
          .where(and(eq(transfers.batchId, batch.id), eq(transfers.status, "approved"))),
      ))!.n;
      await recordAudit(tx, { actor, action: "batch.resume_confirmed", target: { type: "batch", id: batch.id }, after: { notSent, pausedAt: batch.pausedAt!.toISOString() }, ip, at: now });
      return ok({ notSent }, msg("server.batches.resumed", { count: formatFor(currentLocale()).number(notSent) }));
    },
  );
}
