import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { batchRows, transfers } from "@/db/schema";
import { csvStream } from "@/lib/csv";
import type { Locale } from "@/lib/i18n/locales";
import { storedText } from "@/lib/i18n/stored";
import { formatPhone } from "@/lib/phone-display";
import { exportsTranslator } from "@/lib/spreadsheet/labels";
import { csvChunks, type ExportRow, type ExportTable } from "@/lib/spreadsheet/table";
import { xlsxStream } from "@/lib/spreadsheet/xlsx-write";
import { walletLabel } from "@/lib/transfers/wallets";

/**
 * "Export results" (CSV or Excel): every row of one batch in file order, with its final status, owner name and
 * references. The wallet, phone, amount and note columns carry the upload's own column names in the reader's
 * language, so the file (or some of its rows) can be uploaded again as a new batch.
 */

const pageSize = 1000;

export function batchResultsTable(locale: Locale): ExportTable {
  const t = exportsTranslator(locale);
  return {
    sheet: t("batchResults.sheet"),
    columns: [
      { header: t("batchResults.columns.line"), kind: "integer", width: 7 },
      { header: t("batchResults.columns.wallet"), kind: "text", width: 11 },
      { header: t("batchResults.columns.phone"), kind: "text", width: 16 },
      { header: t("batchResults.columns.phoneLocal"), kind: "text", width: 17 },
      { header: t("batchResults.columns.amount"), kind: "integer", width: 14 },
      { header: t("batchResults.columns.note"), kind: "text", width: 24 },
      { header: t("batchResults.columns.ownerName"), kind: "text", width: 24 },
      { header: t("batchResults.columns.status"), kind: "text", width: 18 },
      { header: t("batchResults.columns.cashinReference"), kind: "text", width: 22 },
      { header: t("batchResults.columns.transferReference"), kind: "text", width: 26 },
      { header: t("batchResults.columns.detail"), kind: "text", width: 40 },
    ],
  };
}

const resultColumns = {
  line: batchRows.line,
  rawWallet: batchRows.rawWallet,
  rawPhone: batchRows.rawPhone,
  rawAmount: batchRows.rawAmount,
  note: batchRows.note,
  wallet: batchRows.wallet,
  phone: batchRows.phone,
  amount: batchRows.amount,
  state: batchRows.state,
  problem: batchRows.problem,
  ownerName: batchRows.ownerName,
  transferStatus: transfers.status,
  transferReference: transfers.reference,
  cashinReference: transfers.cashinReference,
  outcome: sql<string | null>`coalesce(${transfers.reason}, ${transfers.lastMessage})`,
};

/** The rows, `pageSize` at a time, each continuing after the last line of the previous page. A row never made valid keeps its text as typed. */
async function* batchResultBatches(db: Db, batchId: number, locale: Locale): AsyncGenerator<ExportRow[]> {
  const t = exportsTranslator(locale);
  for (let lastLine = 0; ; ) {
    const rows = await db
      .select(resultColumns)
      .from(batchRows)
      .leftJoin(transfers, eq(transfers.id, batchRows.transferId))
      .where(and(eq(batchRows.batchId, batchId), sql`${batchRows.line} > ${lastLine}`))
      .orderBy(asc(batchRows.line))
      .limit(pageSize);
    if (rows.length > 0) {
      yield rows.map((r): ExportRow => [
        r.line,
        r.wallet ? walletLabel[r.wallet] : r.rawWallet,
        r.phone ?? r.rawPhone,
        // Only a valid number has a local form; what was typed for one never valid is in the column before.
        r.phone ? formatPhone(r.phone) : "",
        r.amount ?? r.rawAmount,
        r.note ?? "",
        r.ownerName ?? "",
        r.transferStatus ? t(`status.${r.transferStatus}`) : r.state === "removed" ? t("batchResults.removed") : t("batchResults.notSubmitted"),
        r.cashinReference ?? "",
        r.transferReference ?? "",
        // Kept in English, written in the reader's language (lib/i18n/stored.ts), like the status beside it.
        storedText(r.outcome ?? r.problem ?? "", locale),
      ]);
    }
    if (rows.length < pageSize) return;
    lastLine = rows.at(-1)!.line;
  }
}

/** The results as CSV text: the byte-order mark and the header first, then a chunk per page of rows. */
export function batchResultsCsv(db: Db, batchId: number, { locale = "en" }: { locale?: Locale } = {}): AsyncGenerator<string> {
  return csvChunks(batchResultsTable(locale), batchResultBatches(db, batchId, locale));
}

export function streamBatchResultsCsv(db: Db, batchId: number, options: { locale?: Locale } = {}): ReadableStream<Uint8Array> {
  return csvStream(batchResultsCsv(db, batchId, options));
}

export function streamBatchResultsXlsx(db: Db, batchId: number, { locale = "en" }: { locale?: Locale } = {}): ReadableStream<Uint8Array> {
  return xlsxStream(batchResultsTable(locale), batchResultBatches(db, batchId, locale));
}
