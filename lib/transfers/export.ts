import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { transfers } from "@/db/schema";
import { csvBom, csvLine, csvStream } from "@/lib/csv";
import { formatSortableDateTime } from "@/lib/format";
import { approver, historyColumns, maker, orderOf, sortKey, walkSortOrder, whereOf, type HistoryRow } from "./history";
import type { HistoryFilters } from "./history-filters";
import { statusInfo } from "./status";
import { walletLabel } from "./wallets";

/** The history's CSV export: every transfer of the filtered view, in its order, a batch at a time. */

const csvBatchSize = 500;

const csvColumns = {
  ...historyColumns,
  approverName: approver.name,
  decidedAt: transfers.decidedAt,
  reason: transfers.reason,
  cashinReference: transfers.cashinReference,
  lastCode: transfers.lastCode,
  lastMessage: transfers.lastMessage,
  sentAt: transfers.sentAt,
  settledAt: transfers.settledAt,
  discrepancy: transfers.discrepancy,
  discrepancyReviewedAt: transfers.discrepancyReviewedAt,
};

type CsvRow = HistoryRow & {
  approverName: string | null;
  decidedAt: Date | null;
  reason: string | null;
  cashinReference: string | null;
  lastCode: string | null;
  lastMessage: string | null;
  sentAt: Date | null;
  settledAt: Date | null;
  discrepancy: string | null;
  discrepancyReviewedAt: Date | null;
};

const csvFields: readonly [header: string, cell: (row: CsvRow) => string | number | null][] = [
  ["Reference", (r) => r.reference],
  ["Created (WIB)", (r) => formatSortableDateTime(r.createdAt)],
  ["Wallet", (r) => walletLabel[r.wallet]],
  ["Phone", (r) => r.phone],
  ["Owner name", (r) => r.ownerName],
  ["Amount (IDR)", (r) => r.amount],
  ["Status", (r) => statusInfo[r.status].label],
  ["Maker", (r) => r.makerName],
  ["Approver", (r) => r.approverName],
  ["Decided (WIB)", (r) => r.decidedAt && formatSortableDateTime(r.decidedAt)],
  ["Reason", (r) => r.reason],
  ["Cash In reference", (r) => r.cashinReference],
  ["Last code", (r) => r.lastCode],
  ["Last message", (r) => r.lastMessage],
  ["Sent (WIB)", (r) => r.sentAt && formatSortableDateTime(r.sentAt)],
  ["Settled (WIB)", (r) => r.settledAt && formatSortableDateTime(r.settledAt)],
  ["Discrepancy", (r) => r.discrepancy && `${r.discrepancyReviewedAt ? "Reviewed: " : "Open: "}${r.discrepancy}`],
];

/**
 * The filtered transfers as CSV text, one chunk per batch: the header first, then `batchSize` rows at
 * a time. Each batch continues after the last row of the previous one (keyset), so memory stays flat
 * and a transfer created meanwhile neither shifts nor repeats rows. Paging is ignored: all of them.
 */
export function* transferCsvChunks(db: Db, filters: HistoryFilters, { batchSize = csvBatchSize } = {}): Generator<string> {
  yield `${csvBom}${csvLine(csvFields.map(([header]) => header))}`;
  const amountIndex = !walkSortOrder(db, filters);
  const where = whereOf(filters, { amountIndex });
  // From the second batch on, the keyset bound is the tighter one on its side of the sort key, so the
  // filter's own bound there is left out: given both, SQLite bounds the index scan by the filter's, and
  // every batch would walk again from the start of the range (quadratic in the rows exported).
  const supersededBound = filters.sort === "amount" ? (filters.dir === "asc" ? "min" : "max") : filters.dir === "asc" ? "from" : "to";
  const whereAfter = whereOf({ ...filters, [supersededBound]: undefined }, { amountIndex });
  const key = sortKey(filters);
  const comparison = filters.dir === "asc" ? ">" : "<";
  let last: CsvRow | undefined;
  for (;;) {
    const batchWhere = last
      ? and(whereAfter, sql`(${key}, ${transfers.id}) ${sql.raw(comparison)} (${filters.sort === "amount" ? last.amount : last.createdAt.getTime()}, ${last.id})`)
      : where;
    const rows: CsvRow[] = db
      .select(csvColumns)
      .from(transfers)
      .innerJoin(maker, eq(maker.id, transfers.makerId))
      .leftJoin(approver, eq(approver.id, transfers.approverId))
      .where(batchWhere)
      .orderBy(...orderOf(filters))
      .limit(batchSize)
      .all();
    if (rows.length > 0) yield rows.map((row) => csvLine(csvFields.map(([, cell]) => cell(row)))).join("");
    if (rows.length < batchSize) return;
    last = rows[rows.length - 1];
  }
}

/** The CSV as a byte stream that reads the next batch only when the client has taken the previous one. */
export function streamTransfersCsv(db: Db, filters: HistoryFilters, options: { batchSize?: number } = {}): ReadableStream<Uint8Array> {
  return csvStream(transferCsvChunks(db, filters, options));
}