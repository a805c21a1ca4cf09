import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { transfers, type TransferStatus } from "@/db/schema";
import type { Wallet } from "@/lib/cashin/protocol";
import { csvStream } from "@/lib/csv";
import type { Locale } from "@/lib/i18n/locales";
import { storedText } from "@/lib/i18n/stored";
import { formatPhone } from "@/lib/phone-display";
import { exportsTranslator, type ExportsTranslator } from "@/lib/spreadsheet/labels";
import { csvChunks, type ExportRow, type ExportTable } from "@/lib/spreadsheet/table";
import { xlsxStream } from "@/lib/spreadsheet/xlsx-write";
import { dialectOf } from "@/db/dialect";
import { oncePerConnection, timeValue, tuplesOf } from "@/db/statements";
import { approver, bindFilters, maker, orderOf, sortKey, walkSortOrder } from "./history";
import type { HistoryFilters } from "./history-filters";
import { walletLabel } from "./wallets";

/** The history's export (CSV or Excel): every transfer of the filtered view, in its order, a batch at a time. */

const csvBatchSize = 500;

/** In the file's order, then what the next batch continues after; read as raw tuples (no row objects). */
const csvColumns = {
  reference: transfers.reference,
  createdAt: transfers.createdAt,
  wallet: transfers.wallet,
  phone: transfers.phone,
  ownerName: transfers.ownerName,
  amount: transfers.amount,
  memo: transfers.memo,
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

/** Where the keyset's columns sit in a tuple. */
const tupleIndex = Object.fromEntries(Object.keys(csvColumns).map((name, index) => [name, index])) as Record<keyof typeof csvColumns, number>;

/** A row of `csvColumns` as a tuple (`tuplesOf`): instants in epoch milliseconds. */
type CsvTuple = [
  reference: string,
  createdAt: number,
  wallet: Wallet,
  phone: string,
  ownerName: string,
  amount: number,
  memo: string | null,
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

/** The export's columns in the reader's language; the canonical 62… number, then the same number as people write it. */
export function transferExportTable(locale: Locale): ExportTable {
  const t = exportsTranslator(locale);
  const column = (key: Parameters<typeof t>[0] & `history.columns.${string}`, kind: ExportTable["columns"][number]["kind"], width: number) => ({ header: t(key), kind, width });
  return {
    sheet: t("history.sheet"),
    columns: [
      column("history.columns.reference", "text", 26),
      column("history.columns.created", "time", 20),
      column("history.columns.wallet", "text", 11),
      column("history.columns.phone", "text", 16),
      column("history.columns.phoneLocal", "text", 17),
      column("history.columns.ownerName", "text", 24),
      column("history.columns.amount", "integer", 14),
      column("history.columns.memo", "text", 30),
      column("history.columns.status", "text", 18),
      column("history.columns.maker", "text", 20),
      column("history.columns.approver", "text", 20),
      column("history.columns.decided", "time", 20),
      column("history.columns.reason", "text", 30),
      column("history.columns.cashinReference", "text", 22),
      column("history.columns.lastCode", "text", 10),
      column("history.columns.lastMessage", "text", 30),
      column("history.columns.sent", "time", 20),
      column("history.columns.settled", "time", 20),
      column("history.columns.discrepancy", "text", 30),
    ],
  };
}

/**
 * The words an export repeats on many rows, each worded once per export: a status, and a text kept in English
 * (a reason, Cash In's message, a discrepancy) written in the reader's language (lib/i18n/stored.ts). Wording
 * them on every row took a third of a large export's time.
 */
function exportWords(t: ExportsTranslator, locale: Locale) {
  const statuses = new Map<TransferStatus, string>();
  const texts = new Map<string, string>();
  return {
    status: (status: TransferStatus) => statuses.get(status) ?? statuses.set(status, t(`status.${status}`)).get(status)!,
    stored: (text: string | null) => {
      if (!text) return text;
      let worded = texts.get(text);
      if (worded === undefined) {
        // Texts with details (amounts, names) rarely repeat: the memory stays bounded however many there are.
        if (texts.size >= 5_000) texts.clear();
        texts.set(text, (worded = storedText(text, locale)));
      }
      return worded;
    },
    discrepancy: (discrepancy: string, reviewed: boolean) =>
      reviewed ? t("history.discrepancyReviewed", { discrepancy }) : t("history.discrepancyOpen", { discrepancy }),
  };
}

type ExportWords = ReturnType<typeof exportWords>;

/** One transfer as a row of `transferExportTable`: instants stay epoch milliseconds (each writer formats them). */
function transferExportRow(row: CsvTuple, words: ExportWords): ExportRow {
  const { stored } = words;
  const [reference, createdAt, wallet, phone, ownerName, amount, memo, status, makerName, approverName, decidedAt, reason, cashinReference, lastCode, lastMessage, sentAt, settledAt, discrepancy, reviewedAt] = row;
  return [
    reference,
    createdAt,
    walletLabel[wallet],
    phone,
    formatPhone(phone),
    ownerName,
    amount,
    memo,
    words.status(status),
    makerName,
    approverName,
    decidedAt,
    stored(reason),
    cashinReference,
    lastCode,
    stored(lastMessage),
    sentAt,
    settledAt,
    discrepancy && words.discrepancy(stored(discrepancy)!, reviewedAt !== null),
  ];
}

/**
 * The filtered transfers, `batchSize` rows at a time. Each batch continues after the last row of the previous
 * one (keyset), so memory stays flat and a transfer created meanwhile neither shifts nor repeats rows. Paging
 * is ignored: all of them. Nothing is read before the first batch is asked for.
 */
async function* transferBatches(db: Db, filters: HistoryFilters, batchSize: number): AsyncGenerator<CsvTuple[]> {
  const amountIndex = !walkSortOrder(db, filters);
  const order = orderOf(filters);
  const dialect = dialectOf(db);
  const first = bindFilters(filters, { amountIndex, dialect });
  // From the second batch on, the keyset bound is the tighter one on its side of the sort key, so the
  // filter's own bound there is left out: given both, SQLite bounds the index scan by the filter's, and
  // every batch would walk again from the start of the range (quadratic in the rows exported).
  const supersededBound = filters.sort === "amount" ? (filters.dir === "asc" ? "min" : "max") : filters.dir === "asc" ? "from" : "to";
  const after = bindFilters({ ...filters, [supersededBound]: undefined }, { amountIndex, dialect });
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
    // The keyset's sort key as the database compares it: a time in ms on SQLite, a Date on PostgreSQL.
    const afterKey = last && (filters.sort === "amount" ? last[tupleIndex.amount] : timeValue(db, new Date(last[tupleIndex.createdAt] as number)));
    const rows = (
      last
        ? await tuplesOf(db, batchOf(after, true), { ...after.values, afterKey, afterId: last[tupleIndex.id], limit: batchSize })
        : await tuplesOf(db, batchOf(first, false), { ...first.values, limit: batchSize })
    ) as CsvTuple[];
    if (rows.length > 0) yield rows;
    if (rows.length < batchSize) return;
    last = rows[rows.length - 1];
  }
}

type ExportOptions = { batchSize?: number; locale?: Locale };

/** The export's rows, a batch at a time, in the reader's language (English unless told: what lib/ writes outside a page). */
async function* transferRowBatches(db: Db, filters: HistoryFilters, { batchSize = csvBatchSize, locale = "en" }: ExportOptions): AsyncGenerator<ExportRow[]> {
  const words = exportWords(exportsTranslator(locale), locale);
  for await (const rows of transferBatches(db, filters, batchSize)) yield rows.map((row) => transferExportRow(row, words));
}

/** The filtered transfers as CSV text, one chunk per batch: the byte-order mark and the header first, then the rows. */
export function transferCsvChunks(db: Db, filters: HistoryFilters, options: ExportOptions = {}): AsyncGenerator<string> {
  return csvChunks(transferExportTable(options.locale ?? "en"), transferRowBatches(db, filters, options));
}

/** The CSV as a byte stream that reads the next batch only when the client has taken the previous one. */
export function streamTransfersCsv(db: Db, filters: HistoryFilters, options: ExportOptions = {}): ReadableStream<Uint8Array> {
  return csvStream(transferCsvChunks(db, filters, options));
}

/** The same rows as an Excel workbook (one sheet, typed cells), streamed the same way. */
export function streamTransfersXlsx(db: Db, filters: HistoryFilters, options: ExportOptions = {}): ReadableStream<Uint8Array> {
  return xlsxStream(transferExportTable(options.locale ?? "en"), transferRowBatches(db, filters, options));
}
