import type { PersonContext } from "@/lib/actor";
import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import { first, type DbOrTx, type Tx } from "@/db/client";
import { batchRows, batches, recipients, type BatchRow } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { formatFor } from "@/lib/format";
import { currentLocale } from "@/lib/i18n/current";
import { withLocale } from "@/lib/i18n/request-locale";
import { storedText } from "@/lib/i18n/stored";
import { msg } from "@/lib/i18n/translate";
import { fail, ok, type ActionResult } from "@/lib/result";
import type { TransferDeps } from "@/lib/transfers/deps";
import { newReference } from "@/lib/transfers/reference";
import { getLimits } from "@/lib/transfers/settings";
import type { Limits } from "@/lib/transfers/limits-schema";
import { findBatch, markCheckedIfDone, wrongStatus, type BatchChange } from "./lifecycle";
import { findDuplicates, validateBatchRow, type ParsedRow } from "./parse";
import { fillFromRecipients } from "./recipients";
import { refuseOverBatchRows } from "./rows-per-day";

type RowValues = Pick<BatchRow, "rawWallet" | "rawPhone" | "rawAmount" | "note" | "wallet" | "phone" | "amount" | "state" | "problem" | "recipientId">;

/** Field problems as one stored text, a sentence each. */
function problemText(problems: ParsedRow["problems"]): string {
  return Object.values(problems)
    .map((problem) => (/[.!?]$/.test(problem) ? problem : `${problem}.`))
    .join(" ");
}

/**
 * A parsed row as stored: valid rows wait for their look-up; the others say what to fix. The problem is stored, and
 * kept in English like the look-up's answers (docs/language.md#what-the-server-says); pages read it in their language.
 */
function rowValues(row: Pick<ParsedRow, "raw" | "value" | "problems">, limits: Limits, recipientId: number | null = null): RowValues {
  const raw = { rawWallet: row.raw.wallet, rawPhone: row.raw.phone, rawAmount: row.raw.amount, note: row.value?.note ?? (row.raw.note || null), recipientId };
  if (!row.value) {
    return { ...raw, wallet: null, phone: null, amount: null, state: "invalid", problem: problemText(row.problems) };
  }
  const { wallet, phone, amount } = row.value;
  // The per-transfer maximum is known now; the maker's daily total is checked for the whole batch at submit.
  const problem = amount > limits.maxPerTransfer ? withLocale("en", () => msg("server.batches.row.overMaximum", { max: limits.maxPerTransfer })) : null;
  return { ...raw, wallet, phone, amount, state: problem ? "invalid" : "pending", problem };
}

/**
 * Marks every row that repeats an earlier one (same wallet, phone and amount) with that row's line, and
 * clears the mark on rows that no longer repeat one. Runs after every change to a batch's rows.
 */
export async function refreshDuplicates(tx: Tx, batchId: number): Promise<number> {
  const rows = await tx
    .select({ id: batchRows.id, line: batchRows.line, wallet: batchRows.wallet, phone: batchRows.phone, amount: batchRows.amount, duplicateOfLine: batchRows.duplicateOfLine })
    .from(batchRows)
    .where(and(eq(batchRows.batchId, batchId), ne(batchRows.state, "removed")))
    .orderBy(asc(batchRows.line), asc(batchRows.id));
  const duplicates = findDuplicates(
    rows.map((r) => ({ value: r.wallet && r.phone && r.amount !== null ? { wallet: r.wallet, phone: r.phone, amount: r.amount, note: null } : null })),
  );
  for (const [index, row] of rows.entries()) {
    const earlier = duplicates.get(index);
    const line = earlier === undefined ? null : rows[earlier]!.line;
    if (line !== row.duplicateOfLine) await tx.update(batchRows).set({ duplicateOfLine: line }).where(eq(batchRows.id, row.id));
  }
  return duplicates.size;
}

/**
 * Stores an uploaded file's rows as a new batch, checking; its look-ups start right after. A file with more
 * rows than the person has left of their batch rows per 24 hours is refused as a whole. Made through an API key
 * (`actor.apiKey`), the batch keeps the key, and `submitWhenChecked` asks its runner to submit it once its check ends
 * (docs/api.md#batches), with `acceptDuplicates` as the request said (kept in the upload's audit entry).
 */
export async function createBatch(
  deps: Pick<TransferDeps, "db" | "now">,
  { actor, ip }: PersonContext,
  input: { fileName: string; rows: readonly ParsedRow[]; submitWhenChecked?: boolean; acceptDuplicates?: boolean },
): Promise<ActionResult<{ batchId: number; reference: string }>> {
  if (input.rows.length === 0) return fail("invalid", msg("server.batches.noRows"));
  const now = deps.now();
  return deps.db.transaction(
    async (tx) => {
      const limits = await getLimits(tx);
      const refused = await refuseOverBatchRows(tx, { actor, ip }, { rows: input.rows.length, limit: limits.batchRowsPerDay, now });
      if (refused) return refused;
      const [batch] = await tx
        .insert(batches)
        .values({
          reference: newReference("BAT", now),
          fileName: input.fileName,
          status: "checking",
          makerId: actor.id,
          apiKeyId: actor.apiKey?.id ?? null,
          submitWhenChecked: input.submitWhenChecked ?? false,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      if (!batch) throw new Error("the new batch was not returned");
      const values = (await fillFromRecipients(tx, input.rows)).map((row) => ({ batchId: batch.id, line: row.line, ...rowValues(row, limits, row.recipientId) }));
      for (let i = 0; i < values.length; i += 500) await tx.insert(batchRows).values(values.slice(i, i + 500));
      const duplicates = await refreshDuplicates(tx, batch.id);
      const invalid = values.filter((v) => v.state === "invalid").length;
      await recordAudit(tx, {
        actor,
        action: "batch.upload",
        target: { type: "batch", id: batch.id },
        after: {
          reference: batch.reference,
          fileName: input.fileName,
          rows: values.length,
          invalid,
          duplicates,
          ...(input.submitWhenChecked ? { submitWhenChecked: true, acceptDuplicates: input.acceptDuplicates ?? false } : {}),
        },
        ip,
        at: now,
      });
      await markCheckedIfDone(tx, batch.id, now);
      return ok({ batchId: batch.id, reference: batch.reference });
    },
  );
}

/** Only the maker changes a batch's rows, and only before it is submitted. */
async function editableBatch(tx: DbOrTx, batchId: number, actor: { id: number }, doing: BatchChange) {
  const batch = await findBatch(tx, batchId);
  if (!batch) return fail("not_found", msg("server.batches.notFound"));
  if (batch.makerId !== actor.id) return fail("forbidden", msg("server.batches.onlyMakerChangesRows"));
  if (batch.status !== "checking" && batch.status !== "ready") return wrongStatus(batch, doing);
  return ok(batch);
}

async function findRow(tx: DbOrTx, batchId: number, rowId: number): Promise<BatchRow | null> {
  return (await first(tx.select().from(batchRows).where(and(eq(batchRows.id, rowId), eq(batchRows.batchId, batchId))).limit(1))) ?? null;
}

/**
 * Fixes one row inline: validated like a file row, then looked up again (the batch goes back to
 * checking). Saving a row unchanged re-checks it, which is how a look-up that failed for a moment is retried.
 */
export async function editRow(
  deps: Pick<TransferDeps, "db" | "now">,
  { actor, ip }: PersonContext,
  input: { batchId: number; rowId: number; wallet: string; phone: string; amount: string; note: string },
): Promise<ActionResult<{ state: BatchRow["state"]; problem: string | null }>> {
  const now = deps.now();
  return deps.db.transaction(
    async (tx) => {
      const batch = await editableBatch(tx, input.batchId, actor, "edited");
      if (!batch.ok) return batch;
      const row = await findRow(tx, input.batchId, input.rowId);
      if (!row || row.state === "removed") return fail("not_found", msg("server.batches.rowGone"));
      // Checked in English: the problem is stored (the person reads it below, and on the page, in their language).
      const checked = withLocale("en", () => {
        const result = validateBatchRow({ wallet: input.wallet, phone: input.phone, amount: input.amount, note: input.note });
        // zod words a message when it is first read: read them all here, in English.
        return { ...result, problems: { ...result.problems } };
      });
      const limits = await getLimits(tx);
      // A row that still pays its saved recipient's wallet and number keeps it, unless the recipient's owner's name
      // no longer matched (lib/batches/check.ts): fixed, it pays the number as an ordinary row.
      const recipient = row.recipientId === null ? undefined : await first(tx.select().from(recipients).where(eq(recipients.id, row.recipientId)).limit(1));
      const samePayee = recipient !== undefined && row.state !== "unconfirmed" && checked.value !== null && checked.value.wallet === recipient.wallet && checked.value.phone === recipient.phone;
      const values = rowValues({ raw: { wallet: input.wallet.trim(), phone: input.phone.trim(), amount: input.amount.trim(), note: input.note.trim() }, ...checked }, limits, samePayee ? row.recipientId : null);
      // A fixed row is looked up again: it counts against the person's batch rows.
      const refused = values.state === "pending" ? await refuseOverBatchRows(tx, { actor, ip }, { rows: 1, limit: limits.batchRowsPerDay, now, fix: true }) : null;
      if (refused) return refused;
      await tx
        .update(batchRows)
        .set({ ...values, ownerName: null, inquiryId: null, checkedAt: null, version: row.version + 1 })
        .where(eq(batchRows.id, row.id));
      if (values.state === "pending") await tx.update(batches).set({ status: "checking", updatedAt: now }).where(eq(batches.id, input.batchId));
      await refreshDuplicates(tx, input.batchId);
      await recordAudit(tx, {
        actor,
        action: "batch.row.edit",
        target: { type: "batch", id: input.batchId },
        before: { line: row.line, wallet: row.rawWallet, phone: row.rawPhone, amount: row.rawAmount, note: row.note },
        after: { line: row.line, wallet: values.rawWallet, phone: values.rawPhone, amount: values.rawAmount, note: values.note },
        ip,
        at: now,
      });
      return ok({ state: values.state, problem: values.problem && storedText(values.problem, currentLocale()) }, msg(values.state === "pending" ? "server.batches.savedChecking" : "server.batches.savedStillInvalid"));
    },
  );
}

/** Takes rows out of the batch before it is submitted. They stay listed as removed. */
export async function removeRows(deps: Pick<TransferDeps, "db" | "now">, { actor, ip }: PersonContext, input: { batchId: number; rowIds: number[] }): Promise<ActionResult<{ removed: number }>> {
  const now = deps.now();
  return deps.db.transaction(
    async (tx) => {
      const batch = await editableBatch(tx, input.batchId, actor, "edited");
      if (!batch.ok) return batch;
      const removed = await tx
        .update(batchRows)
        // A removed row repeats nothing.
        .set({ state: "removed", duplicateOfLine: null, version: sql`${batchRows.version} + 1` })
        .where(and(eq(batchRows.batchId, input.batchId), inArray(batchRows.id, input.rowIds), ne(batchRows.state, "removed")))
        .returning({ line: batchRows.line });
      if (removed.length === 0) return fail("not_found", msg("server.batches.rowsGone"));
      await refreshDuplicates(tx, input.batchId);
      await markCheckedIfDone(tx, input.batchId, now);
      await recordAudit(tx, { actor, action: "batch.row.remove", target: { type: "batch", id: input.batchId }, after: { lines: removed.map((r) => r.line) }, ip, at: now });
      return ok(
        { removed: removed.length },
        removed.length === 1
          ? msg("server.batches.removedRow", { line: String(removed[0]!.line) })
          : msg("server.batches.removedRows", { count: formatFor(currentLocale()).number(removed.length) }),
      );
    },
  );
}
