import type { PersonContext } from "@/lib/actor";
import { and, eq, inArray, lt, ne, or, isNull, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { batchRows, batches, inquiries, recipients, transfers, type BatchStatus, type Inquiry } from "@/db/schema";
import { formatFor } from "@/lib/format";
import { currentLocale } from "@/lib/i18n/current";
import { msg } from "@/lib/i18n/translate";
import { fail, ok, type ActionResult } from "@/lib/result";
import { inquiryFreshMs, insertTransfers, isConfirmed } from "@/lib/transfers/create";
import type { TransferDeps } from "@/lib/transfers/deps";
import { makerTotalOn } from "@/lib/transfers/limits";
import { approvalRuleFor } from "@/lib/policies/tiers";
import { getLimits } from "@/lib/transfers/settings";
import { flagNearDuplicates } from "./duplicates";
import { batchTransition, findBatch, wrongStatus } from "./lifecycle";
import { scheduleHorizonMs, scheduleRange } from "./send-at";

/** A look-up this close to its 15 minutes is redone rather than risk going stale between check and submit. */
const freshnessMarginMs = 60_000;

export type Submitted = { status: BatchStatus; rechecking?: number };

/**
 * Turns a checked batch into transfers, one per row, each from its row's own successful look-up of the
 * last 15 minutes (docs/lifecycle.md#4-the-confirmed-name-is-the-stored-name) and with the name that look-up returned. Rows whose look-up is older
 * are looked up again first, and the batch waits for that. Below the approval threshold (on the batch's
 * total) the transfers are approved and the batch is sent at once; otherwise it awaits one manager's
 * decision as one item. The maker's daily total counts the whole batch.
 */
export async function submitBatch(deps: { db: Db; now: TransferDeps["now"] }, ctx: PersonContext, input: SubmitInput): Promise<ActionResult<Submitted>> {
  const refused = outOfRange(input, deps.now());
  if (refused) return refused;
  return deps.db.transaction(async (tx) => submitBatchIn({ tx, now: deps.now }, ctx, input));
}

type SubmitInput = { batchId: number; acceptDuplicates?: boolean; duplicatesShown?: number; sendAt?: Date };

/** "Send on" (docs/batches.md#scheduled-batches): not in the past (a minute of slack), at most 30 days ahead; else nothing is saved. */
function outOfRange(input: SubmitInput, now: Date) {
  const range = input.sendAt ? scheduleRange(input.sendAt, now) : null;
  if (!range) return null;
  const text = msg(range === "past" ? "server.batches.schedule.past" : "server.batches.schedule.tooFar", { latest: formatFor(currentLocale()).dateTime(new Date(now.getTime() + scheduleHorizonMs)) });
  return fail("invalid", text, { sendOn: [text] });
}

/** `submitBatch` inside the caller's transaction: the runner submits a batch made by API inside its own (lib/batches/runner.ts). */
export async function submitBatchIn(deps: { tx: Tx; now: TransferDeps["now"] }, { actor, ip }: PersonContext, input: SubmitInput): Promise<ActionResult<Submitted>> {
  const now = deps.now();
  const refused = outOfRange(input, now);
  if (refused) return refused;
  const tx = deps.tx;
  const batch = await findBatch(tx, input.batchId);
  if (!batch) return fail("not_found", msg("server.batches.notFound"));
  if (batch.makerId !== actor.id) return fail("forbidden", msg("server.batches.onlyMakerSubmits"));
  if (batch.status === "checking") return fail("conflict", msg("server.batches.stillChecking"));
  if (batch.status !== "ready") return wrongStatus(batch, "submitted");

  const rows = await tx
    .select()
    .from(batchRows)
    .where(and(eq(batchRows.batchId, batch.id), ne(batchRows.state, "removed")));
  if (rows.length === 0) return fail("invalid", msg("server.batches.nothingToSubmit"));
  const attention = rows.filter((r) => r.state !== "ok").length;
  if (attention > 0) return fail("invalid", msg("server.batches.needsAttention", { count: attention }));
  // Payments made since the check count too (docs/lifecycle.md#paying-twice-is-impossible): flag them again now.
  const duplicates = await flagNearDuplicates(tx, batch.id, now);
  if (duplicates > 0 && !input.acceptDuplicates) {
    return fail("conflict", msg("server.batches.repeats", { count: duplicates }));
  }
  if (duplicates > 0 && input.duplicatesShown !== undefined && input.duplicatesShown !== duplicates) {
    const format = formatFor(currentLocale());
    return fail("conflict", msg("server.batches.repeatsNow", { count: format.number(duplicates), shown: format.number(input.duplicatesShown) }));
  }

  const staleBefore = new Date(now.getTime() - inquiryFreshMs + freshnessMarginMs);
  const stale = await tx
    .update(batchRows)
    .set({ state: "pending", ownerName: null, inquiryId: null, checkedAt: null, version: sql`${batchRows.version} + 1` })
    .where(and(eq(batchRows.batchId, batch.id), eq(batchRows.state, "ok"), or(isNull(batchRows.checkedAt), lt(batchRows.checkedAt, staleBefore))))
    .returning({ id: batchRows.id });
  if (stale.length > 0) {
    await tx.update(batches).set({ status: "checking", updatedAt: now }).where(eq(batches.id, batch.id));
    return ok({ status: "checking", rechecking: stale.length }, msg("server.batches.recheckBeforeSubmit", { count: stale.length }));
  }

  const total = rows.reduce((sum, r) => sum + r.amount!, 0);
  const limits = await getLimits(tx);
  const remaining = limits.dailyTotalPerMaker - (await makerTotalOn(tx, actor.id, now));
  if (total > remaining) {
    const format = formatFor(currentLocale());
    return fail(
      "forbidden",
      msg("server.batches.overDailyTotal", { total: format.rupiah(total), remaining: format.rupiah(Math.max(remaining, 0)), limit: format.rupiah(limits.dailyTotalPerMaker) }),
    );
  }

  const looked = new Map<number, Inquiry>();
  const ids = rows.map((r) => r.inquiryId!);
  for (let i = 0; i < ids.length; i += 500) {
    for (const inquiry of await tx.select().from(inquiries).where(inArray(inquiries.id, ids.slice(i, i + 500)))) looked.set(inquiry.id, inquiry);
  }
  // The tier of the batch's total (docs/policies.md#approval-tiers); below the first floor it is sent at once.
  const approvalRule = await approvalRuleFor(tx, total);
  const status = approvalRule ? "awaiting_approval" : "approved";
  const confirmed = new Map<number, Inquiry & { ownerName: string }>();
  for (const row of rows) {
    const inquiry = looked.get(row.inquiryId!);
    // Cannot happen through the app (a row is `ok` only with its own look-up); refuse rather than guess.
    if (!inquiry || !isConfirmed(inquiry) || inquiry.userId !== actor.id || inquiry.wallet !== row.wallet || inquiry.phone !== row.phone || inquiry.amount !== row.amount) {
      return fail("conflict", msg("server.batches.lookUpMismatch", { line: String(row.line) }));
    }
    confirmed.set(row.id, inquiry);
  }
  // A row pays its saved recipient only while the recipient is in use with the row's wallet and number (it may
  // have been archived or given another number since the upload).
  const named = [...new Set(rows.flatMap((row) => (row.recipientId === null ? [] : [row.recipientId])))];
  const inUse = new Map<number, { wallet: string; phone: string }>();
  for (let i = 0; i < named.length; i += 500) {
    for (const r of await tx.select().from(recipients).where(and(inArray(recipients.id, named.slice(i, i + 500)), isNull(recipients.archivedAt)))) inUse.set(r.id, r);
  }
  const recipientOf = (row: (typeof rows)[number]) => {
    const recipient = row.recipientId === null ? undefined : inUse.get(row.recipientId);
    return recipient && recipient.wallet === row.wallet && recipient.phone === row.phone ? row.recipientId : null;
  };
  await insertTransfers(
    tx,
    { actor, ip, at: now },
    // A row's note is its transfer's memo (checked as one when the row was read).
    rows.map((row) => ({ inquiry: confirmed.get(row.id)!, status, batchId: batch.id, memo: row.note, recipientId: recipientOf(row) })),
  );
  // Saved recipients the rows paid, now (docs/recipients.md).
  const paid = [...new Set(rows.flatMap((row) => recipientOf(row) ?? []))];
  for (let i = 0; i < paid.length; i += 500) await tx.update(recipients).set({ lastPaidAt: now }).where(inArray(recipients.id, paid.slice(i, i + 500)));
  // Each row's transfer is the one made from its look-up (one transfer per look-up).
  await tx
    .update(batchRows)
    .set({ transferId: sql`(select ${transfers.id} from ${transfers} where ${transfers.inquiryId} = ${batchRows.inquiryId})` })
    .where(and(eq(batchRows.batchId, batch.id), eq(batchRows.state, "ok")));
  // Scheduled: approved now (or by its managers first), sent at its time by the runner (docs/batches.md#scheduled-batches).
  const sendAt = input.sendAt ?? null;
  const to = status === "approved" ? (sendAt ? "scheduled" : "sending") : "awaiting_approval";
  await batchTransition(
    tx,
    batch.id,
    "ready",
    to,
    { submittedAt: now, duplicatesAccepted: duplicates > 0, approvalRule, sendAt },
    { actor, ip, at: now, audit: { rows: rows.length, total, ...(sendAt ? { sendAt: sendAt.toISOString() } : {}) } },
  );
  const format = formatFor(currentLocale());
  const count = format.number(rows.length);
  if (sendAt) {
    const when = format.dateTime(sendAt);
    return ok({ status: to }, msg(to === "scheduled" ? "server.batches.schedule.submitted" : "server.batches.schedule.submittedForApproval", { count, when }));
  }
  return ok({ status: to }, msg(to === "sending" ? "server.batches.submittedSending" : "server.batches.submittedForApproval", { count }));
}
