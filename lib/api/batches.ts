import "server-only";
import { and, asc, desc, eq, gt, ne, or } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { first, type Db } from "@/db/client";
import { auditEntries, batchRows, batches, transferStatuses, transfers, type TransferStatus } from "@/db/schema";
import { parseBatchLines, type SourceLine } from "@/lib/batches/parse";
import { parseBatchFileOffThread } from "@/lib/batches/parse-off-thread";
import { batchOverview } from "@/lib/batches/queries";
import { createBatch as createBatchRows } from "@/lib/batches/rows";
import { batchEnv } from "@/lib/env";
import { startBatchRunner } from "@/lib/runtime";
import { batchRowsPerAnswer, type batchSchema, type operations } from "./operations";
import { problem } from "./problem";
import { payoutJson } from "./representation";
import { problemOfFailure, type ApiAnswer, type ApiRequest } from "./route";
import type { z } from "zod";

/*
 * The batch endpoints (docs/api.md#batches): a batch made by API is read by the same code as an upload
 * (lib/batches/parse.ts), stored by the same `createBatch` as the key's person, checked by the same runner and, with
 * `submit`, submitted by it with the same `submitBatch` as the Submit button (lib/batches/runner.ts).
 */

type Ops = typeof operations;
type BatchJson = z.infer<typeof batchSchema>;

const columns = ["wallet", "phone", "amount", "note", "recipient"] as const;

/** JSON rows as the lines of a file with every column: `line` is the row's position, from 1. */
function linesOf(rows: NonNullable<ApiRequest<Ops["createBatch"]>["body"]["rows"]>): SourceLine[] {
  const header: SourceLine = { line: 0, cells: [...columns] };
  return [header, ...rows.map((row, index) => ({ line: index + 1, cells: columns.map((column) => (row[column] === undefined ? "" : String(row[column]))) }))];
}

export async function createBatch({ deps, caller, ip, body }: ApiRequest<Ops["createBatch"]>): Promise<ApiAnswer> {
  const field = body.csv !== undefined ? "csv" : "rows";
  // The API speaks English (route.ts): the refusals and the rows' problems are worded in it, as stored rows' are. A CSV is
  // read as an uploaded file is, in a worker thread (lib/batches/parse-off-thread.ts), so a large one stalls no other request.
  const parsed = body.csv !== undefined ? await parseBatchFileOffThread(new TextEncoder().encode(body.csv), { fileName: "api.csv", locale: "en" }) : parseBatchLines(linesOf(body.rows!));
  if (!parsed.ok) return { problem: problem("validation-failed", parsed.message, { errors: [{ field, message: parsed.message }] }) };
  const created = await createBatchRows(
    deps,
    { actor: caller.actor, ip },
    { fileName: body.file_name ?? "api-batch.json", rows: parsed.rows, submitWhenChecked: body.submit ?? true, acceptDuplicates: body.accept_duplicates ?? false },
  );
  if (!created.ok) return { problem: problemOfFailure(created) };
  // Its look-ups start now, in this process, as after an upload (lib/runtime.ts), or in a worker with BACKGROUND=off; the
  // reconciler resumes it after a restart.
  startBatchRunner(() => deps, created.data.batchId, { concurrency: batchEnv().BATCH_CONCURRENCY });
  return { status: 201, json: (await batchJson(deps.db, created.data.batchId, null))! };
}

/** The opaque cursor: base64url of the last row's line and id, the order the rows are walked. */
const cursorOf = (row: { line: number; id: number }) => Buffer.from(`${row.line}.${row.id}`).toString("base64url");

function readCursor(cursor: string): { line: number; id: number } | null {
  const match = /^(\d{1,9})\.(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return match ? { line: Number(match[1]), id: Number(match[2]) } : null;
}

export async function getBatch({ deps, params, query }: ApiRequest<Ops["getBatch"]>): Promise<ApiAnswer> {
  const batch = await first(deps.db.select({ id: batches.id }).from(batches).where(eq(batches.reference, params.reference)).limit(1));
  if (!batch) return { problem: problem("not-found", `There is no batch with the reference ${params.reference}.`) };
  const after = query.cursor === undefined ? null : readCursor(query.cursor);
  if (query.cursor !== undefined && !after) {
    return { problem: problem("bad-request", "The cursor is not one this API gave; pass next_cursor of the previous answer unchanged.") };
  }
  return { status: 200, json: await batchJson(deps.db, batch.id, after) };
}

const earlier = alias(transfers, "earlier");

/** The Batch of docs/api.md#batches: the whole batch's counts, and one page of its rows' problems and payouts. */
export async function batchJson(db: Db, batchId: number, after: { line: number; id: number } | null): Promise<BatchJson | null> {
  const overview = await batchOverview(db, batchId);
  if (!overview) return null;
  const { batch } = overview;
  const refused = await first(
    db
      .select({ after: auditEntries.after })
      .from(auditEntries)
      .where(and(eq(auditEntries.targetType, "batch"), eq(auditEntries.targetId, String(batchId)), eq(auditEntries.action, "batch.api_submit_refused")))
      .orderBy(desc(auditEntries.id))
      .limit(1),
  );
  const page = await db
    .select({ row: batchRows, transfer: transfers, earlierReference: earlier.reference })
    .from(batchRows)
    .leftJoin(transfers, eq(transfers.id, batchRows.transferId))
    .leftJoin(earlier, eq(earlier.id, batchRows.nearDuplicateOf))
    .where(
      and(
        eq(batchRows.batchId, batchId),
        ne(batchRows.state, "removed"),
        after ? or(gt(batchRows.line, after.line), and(eq(batchRows.line, after.line), gt(batchRows.id, after.id))) : undefined,
      ),
    )
    .orderBy(asc(batchRows.line), asc(batchRows.id))
    .limit(batchRowsPerAnswer + 1);
  const rows = page.slice(0, batchRowsPerAnswer);
  const last = rows.at(-1)?.row;
  const problems: BatchJson["problems"] = [];
  for (const { row, earlierReference } of rows) {
    const texts = [
      row.state === "invalid" || row.state === "unconfirmed" ? (row.problem ?? "This row could not be checked.") : null,
      !batch.duplicatesAccepted && row.duplicateOfLine !== null ? `Repeats line ${row.duplicateOfLine}.` : null,
      !batch.duplicatesAccepted && earlierReference ? `Paid recently: ${earlierReference} has the same e-wallet, phone and amount.` : null,
    ].filter((text): text is string => text !== null);
    if (texts.length > 0) {
      problems.push({ line: row.line, state: row.state, wallet: row.rawWallet, phone: row.rawPhone, amount: row.rawAmount, note: row.note, problem: texts.join(" ") });
    }
  }
  const byStatus = Object.fromEntries(transferStatuses.map((status) => [status, overview.transfers[status]?.count ?? 0])) as Record<TransferStatus, number>;
  const iso = (at: Date | null) => (at ? at.toISOString() : null);
  return {
    reference: batch.reference,
    status: batch.status,
    file_name: batch.fileName,
    created_at: batch.createdAt.toISOString(),
    submitted_at: iso(batch.submittedAt),
    decided_at: iso(batch.decidedAt),
    send_at: iso(batch.sendAt),
    reason: batch.reason,
    submit_when_checked: batch.submitWhenChecked,
    submit_refused: (refused?.after as { reason?: string } | null | undefined)?.reason ?? null,
    rows: overview.rows.all,
    total: overview.total,
    row_states: { pending: overview.rows.pending, ok: overview.rows.ok, invalid: overview.rows.invalid, unconfirmed: overview.rows.unconfirmed, removed: overview.rows.removed },
    duplicates: overview.rows.duplicates,
    payouts_by_status: byStatus,
    problems,
    payouts: rows.flatMap(({ row, transfer }) => (transfer ? [{ line: row.line, payout: payoutJson(transfer, batch.reference) }] : [])),
    next_cursor: page.length > batchRowsPerAnswer && last ? cursorOf(last) : null,
  };
}
