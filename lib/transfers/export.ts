import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { transfers, type TransferStatus } from "@/db/schema";
import type { Wallet } from "@/lib/cashin/protocol";
import { csvBom, csvLine, csvStream } from "@/lib/csv";
import { formatSortableEpochMs } from "@/lib/format";
import { oncePerConnection } from "@/db/statements";
import { approver, bindFilters, maker, orderOf, sortKey, walkSortOrder } from "./history";
import type { HistoryFilters } from "./history-filters";
import { statusInfo } from "./status";
import { walletLabel } from "./wallets";

/** The history's CSV export: every transfer of the filtered view, in its order, a batch at a time. */

const csvBatchSize = 500;

/** In the file's order, then what the next batch continues after; read as raw tuples (no row objects). */
const csvColumns = {
  reference: transfers.reference,
  createdAt: transfers.createdAt,
  wallet: transfers.wallet,
  phone: transfers.phone,
  ownerName: transfers.ownerName,
  amount: transfers.amount,
  status: transfers.status,
  makerName: maker.name,
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
  id: transfers.id,
};

/** A row of `csvColumns` as SQLite stores it: instants in epoch milliseconds. */
type CsvTuple = [
  reference: string,
  createdAt: number,
  wallet: Wallet,
  phone: string,
  ownerName: string,
  amount: number,
  status: TransferStatus,
  makerName: string,
  approverName: string | null,
  decidedAt: number | null,
  reason: string | null,
  cashinReference: string | null,
  lastCode: string | null,
  lastMessage: string | null,
  sentAt: number | null,
  settledAt: number | null,
  discrepancy: string | null,
  discrepancyReviewedAt: number | null,
  id: number,
];

const csvHeader = csvLine([
  "Reference",
  "Created (WIB)",
  "Wallet",
  "Phone",
  "Owner name",
  "Amount (IDR)",
  "Status",
  "Maker",
  "Approver",
  "Decided (WIB)",
  "Reason",
  "Cash In reference",
  "Last code",
  "Last message",
  "Sent (WIB)",
  "Settled (WIB)",
  "Discrepancy",
]);

const wib = (at: number | null) => (at === null ? null : formatSortableEpochMs(at));

function csvRecord(row: CsvTuple): string {
  const [reference, createdAt, wallet, phone, ownerName, amount, status, makerName, approverName, decidedAt, reason, cashinReference, lastCode, lastMessage, sentAt, settledAt, discrepancy, reviewedAt] = row;
  return csvLine([
    reference,
    formatSortableEpochMs(createdAt),
    walletLabel[wallet],
    phone,
    ownerName,
    amount,
    statusInfo[status].label,
    makerName,
    approverName,
    wib(decidedAt),
    reason,
    cashinReference,
    lastCode,
    lastMessage,
    wib(sentAt),
    wib(settledAt),
    discrepancy && `${reviewedAt === null ? "Open: " : "Reviewed: "}${discrepancy}`,
  ]);
}

/**
 * The filtered transfers as CSV text, one chunk per batch: the header first, then `batchSize` rows at
 * a time. Each batch continues after the last row of the previous one (keyset), so memory stays flat
 * and a transfer created meanwhile neither shifts nor repeats rows. Paging is ignored: all of them.
 */
export function* transferCsvChunks(db: Db, filters: HistoryFilters, { batchSize = csvBatchSize } = {}): Generator<string> {
  yield `${csvBom}${csvHeader}`;
  const amountIndex = !walkSortOrder(db, filters);
  const order = orderOf(filters);
  const first = bindFilters(filters, { amountIndex });
  // From the second batch on, the keyset bound is the tighter one on its side of the sort key, so the
  // filter's own bound there is left out: given both, SQLite bounds the index scan by the filter's, and
  // every batch would walk again from the start of the range (quadratic in the rows exported).
  const supersededBound = filters.sort === "amount" ? (filters.dir === "asc" ? "min" : "max") : filters.dir === "asc" ? "from" : "to";
  const after = bindFilters({ ...filters, [supersededBound]: undefined }, { amountIndex });
  const comparison = filters.dir === "asc" ? ">" : "<";
  const batchOf = (bound: typeof first, keyset: boolean) =>
    oncePerConnection(db, `csv batch|${bound.shape}|${keyset ? `after ${comparison}|` : ""}${filters.sort} ${filters.dir}`, () => {
      const keysetBound = sql`(${sortKey(filters)}, ${transfers.id}) ${sql.raw(comparison)} (${sql.placeholder("afterKey")}, ${sql.placeholder("afterId")})`;
      return db
        .select(csvColumns)
        .from(transfers)
        .innerJoin(maker, eq(maker.id, transfers.makerId))
        .leftJoin(approver, eq(approver.id, transfers.approverId))
        .where(keyset ? and(bound.where(), keysetBound) : bound.where())
        .orderBy(...order)
        .limit(sql.placeholder("limit"))
        .prepare();
    });
  let last: CsvTuple | undefined;
  for (;;) {
    const rows = (
      last
        ? batchOf(after, true).values({ ...after.values, afterKey: filters.sort === "amount" ? last[5] : last[1], afterId: last[18], limit: batchSize })
        : batchOf(first, false).values({ ...first.values, limit: batchSize })
    ) as CsvTuple[];
    if (rows.length > 0) yield rows.map(csvRecord).join("");
    if (rows.length < batchSize) return;
    last = rows[rows.length - 1];
  }
}

/** The CSV as a byte stream that reads the next batch only when the client has taken the previous one. */
export function streamTransfersCsv(db: Db, filters: HistoryFilters, options: { batchSize?: number } = {}): ReadableStream<Uint8Array> {
  return csvStream(transferCsvChunks(db, filters, options));
}
