import ExcelJS from "exceljs";
import Papa from "papaparse";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inquiries, transfers } from "@/db/schema";
import { batchResultsCsv, streamBatchResultsXlsx } from "@/lib/batches/export";
import { parseBatchCsv } from "@/lib/batches/parse";
import { createBatch } from "@/lib/batches/rows";
import { runBatch } from "@/lib/batches/runner";
import { csvLine } from "@/lib/csv";
import { formatSortableEpochMs } from "@/lib/format";
import { defaultHistoryFilters, parseHistoryFilters } from "@/lib/transfers/history-filters";
import { streamTransfersCsv, streamTransfersXlsx } from "@/lib/transfers/export";
import { createTestDb, insertUser, type TestDb } from "../db";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/** Exports opened elsewhere (docs/exports.md): a CSV a parser reads as the text it holds, a workbook that says the same. */

const wib = (iso: string) => new Date(`${iso}+07:00`);

/** The bytes as sent, byte-order mark included (Response.text() would drop it). */
async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
/** Every chunk of an export, in order, whether it is read at once or page by page as the database answers. */
async function collect(chunks: Iterable<string> | AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}
const text = (bytes: Uint8Array) => new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);

async function workbookOf(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  return workbook;
}

/** A workbook's cells as the CSV export writes them: dates back to Jakarta wall-clock text, the rest as stored. */
function asCsvValue(value: ExcelJS.CellValue): string | number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return formatSortableEpochMs(value.getTime() - 7 * 60 * 60 * 1000);
  if (typeof value === "string" || typeof value === "number") return value;
  throw new Error(`unexpected cell value ${JSON.stringify(value)}`);
}

/** Every row of the first sheet, each as the CSV line its values make. */
function sheetAsCsvLines(sheet: ExcelJS.Worksheet): string[] {
  const lines: string[] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const values = Array.from({ length: sheet.columnCount }, (_, index) => asCsvValue(row.getCell(index + 1).value));
    lines.push(csvLine(values).replace(/\r\n$/, ""));
  });
  return lines;
}

/** The owner's name of the transfer with the formula-like name, as the workbook holds it. */
function row2Name(sheet: ExcelJS.Worksheet): string {
  let name = "";
  sheet.eachRow((row) => {
    const value = row.getCell(6).value;
    if (typeof value === "string" && value.includes("HYPERLINK")) name = value;
  });
  return name;
}

let sequence = 0;
async function addTransfer(db: TestDb, makerId: number, values: Partial<typeof transfers.$inferInsert>) {
  sequence += 1;
  const createdAt = values.createdAt ?? wib("2025-03-10T09:00:00");
  const base = { wallet: values.wallet ?? "DANA", phone: values.phone ?? `62811${String(sequence).padStart(7, "0")}`, amount: values.amount ?? 10_000 };
  const [inquiry] = await db
    .insert(inquiries)
    .values({ userId: makerId, ...base, reference: `INQX${sequence}`, outcome: "found", ownerName: "Siti Rahayu", createdAt })
    .returning();
  const [transfer] = await db
    .insert(transfers)
    .values({ reference: `TRF20250310${String(sequence).padStart(12, "X")}`, ownerName: "Siti Rahayu", status: "succeeded", makerId, inquiryId: inquiry!.id, updatedAt: createdAt, ...base, ...values, createdAt })
    .returning();
  return transfer!;
}

describe("History exports", () => {
  let db: TestDb;
  let makerId: number;

  beforeEach(async () => {
    db = await createTestDb();
    makerId = (await insertUser(db, { name: "Sari Wulandari", email: "sari@x.test", role: "staff" })).id;
    // What a spreadsheet would mangle: a 13-digit phone, a digits-only Cash In reference with leading zeros,
    // a code of digits; and what it would run: a formula in the owner's name.
    await addTransfer(db, makerId, {
      reference: "TRF20250310ZEROS0000001",
      phone: "6281234567890",
      ownerName: "=HYPERLINK(\"http://x\")",
      amount: 1_250_000,
      cashinReference: "0012345678901234567890",
      lastCode: "2003800",
      sentAt: wib("2025-03-10T09:01:02"),
      settledAt: wib("2025-03-10T09:01:05"),
      createdAt: wib("2025-03-10T09:00:00"),
    });
    await addTransfer(db, makerId, { phone: "6289876543210", status: "failed", reason: "Saldo; tidak cukup", discrepancy: "Cash In says succeeded", createdAt: wib("2025-03-31T23:30:05") });
    for (let i = 0; i < 7; i++) await addTransfer(db, makerId, { amount: 20_000 + i, createdAt: wib(`2025-03-0${1 + (i % 9)}T10:00:00`) });
  });

  it("a parser reads the CSV's phone numbers and references as the text they are: no lost leading 0, no 6.28E+12", async () => {
    const csv = text(await bytesOf(await streamTransfersCsv(db, defaultHistoryFilters)));
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const body = csv.slice(1);
    const { data, errors } = Papa.parse<Record<string, string>>(body, { header: true, skipEmptyLines: true });
    expect(errors).toEqual([]);
    const row = data.find((r) => r.Reference === "TRF20250310ZEROS0000001")!;
    expect(row).toMatchObject({
      Phone: "6281234567890",
      "Phone (local format)": "0812-3456-7890",
      "Cash In reference": "0012345678901234567890",
      "Last code": "2003800",
      "Amount (IDR)": "1250000",
      "Created (WIB)": "2025-03-10 09:00:00",
      "Owner name": "'=HYPERLINK(\"http://x\")",
    });
    expect(body).not.toMatch(/\d[.,]\d+E\+\d/i);

    // A parser that guesses types as a spreadsheet does turns plain digit strings into numbers; the phone as
    // people write it (0812-3456-7890) stays text there too, and no number loses a digit.
    const typed = Papa.parse<Record<string, unknown>>(body, { header: true, skipEmptyLines: true, dynamicTyping: true }).data;
    for (const typedRow of typed) {
      expect(typeof typedRow["Phone (local format)"], String(typedRow.Reference)).toBe("string");
      expect(typedRow["Phone (local format)"]).toMatch(/^0\d{3}-\d{4}-\d{3,4}$/);
      expect(typeof typedRow.Reference).toBe("string");
      expect(String(typedRow.Phone)).toMatch(/^628\d{8,12}$/);
    }
  });

  it("the workbook has the CSV's rows: the same header and, cell by cell, the same values; phones and references as Text", async () => {
    for (const locale of ["en", "id"] as const) {
      const filters = parseHistoryFilters({ sort: "amount", dir: "asc" });
      const csvLines = text(await bytesOf(await streamTransfersCsv(db, filters, { batchSize: 3, locale }))).slice(1).trimEnd().split("\r\n");
      const workbook = await workbookOf(await bytesOf(await streamTransfersXlsx(db, filters, { batchSize: 3, locale })));
      expect(workbook.worksheets).toHaveLength(1);
      const sheet = workbook.worksheets[0]!;
      expect(sheet.name).toBe(locale === "en" ? "Transfers" : "Transfer");
      // Each row of the workbook, written as a CSV line, is the CSV's line (the workbook keeps a formula-like
      // name as the text it is, in a Text cell that is never run; written as CSV it is defused like the CSV's).
      expect(sheetAsCsvLines(sheet)).toEqual(csvLines);
      expect(row2Name(sheet)).toContain("=HYPERLINK");
      expect(csvLines).toHaveLength(10);

      // Typed cells: the header bold and frozen, phones and references Text, amounts numbers, times dates.
      expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
      expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
      const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
      const row = sheet.getRow(2 + csvLines.slice(1).findIndex((line) => line.startsWith("TRF20250310ZEROS0000001,")));
      const cell = (name: string) => row.getCell(header.indexOf(name) + 1);
      const names = locale === "en"
        ? { phone: "Phone", local: "Phone (local format)", cashin: "Cash In reference", amount: "Amount (IDR)", created: "Created (WIB)", status: "Status" }
        : { phone: "Nomor HP", local: "Nomor HP (format lokal)", cashin: "Referensi Cash In", amount: "Nominal (IDR)", created: "Dibuat (WIB)", status: "Status" };
      expect(cell(names.phone).value).toBe("6281234567890");
      expect(cell(names.phone).numFmt).toBe("@");
      expect(cell(names.local).value).toBe("0812-3456-7890");
      expect(cell(names.cashin).value).toBe("0012345678901234567890");
      expect(cell(names.cashin).numFmt).toBe("@");
      expect(cell(names.amount).value).toBe(1_250_000);
      expect(cell(names.created).value).toBeInstanceOf(Date);
      expect(cell(names.created).numFmt).toBe("yyyy-mm-dd hh:mm:ss");
      expect(cell(names.status).value).toBe(locale === "en" ? "Succeeded" : "Berhasil");
    }
  });

  it("writes the headers, statuses and discrepancy words in the reader's language", async () => {
    const csv = text(await bytesOf(await streamTransfersCsv(db, parseHistoryFilters({ status: "failed" }), { locale: "id" }))).slice(1);
    const [header, row] = csv.split("\r\n");
    expect(header).toBe(
      "Referensi,Dibuat (WIB),Dompet,Nomor HP,Nomor HP (format lokal),Pemilik akun,Nominal (IDR),Memo,Status,Pembuat,Penyetuju,Diputuskan (WIB),Alasan,Referensi Cash In,Kode terakhir,Pesan terakhir,Dikirim (WIB),Selesai (WIB),Selisih",
    );
    expect(row).toContain(",Gagal,Sari Wulandari,,,\"Saldo; tidak cukup\",");
    expect(row).toMatch(/,Terbuka: Cash In says succeeded$/);
  });
});

describe("Batch results exports", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  it("the workbook has the CSV's rows, in either language, and the CSV's phones read as text", async () => {
    const parsed = parseBatchCsv(["wallet,phone,amount,note", "DANA,081234567890,3000000,=cmd", "OVO,0811 1000 004,2500000,", "DANA,0812,10.000,typo"].join("\n"));
    if (!parsed.ok) throw new Error(parsed.message);
    const { batchId } = expectOk(await createBatch(h.deps, { actor: h.staff, ip: "203.0.113.5" }, { fileName: "june.csv", rows: parsed.rows }));
    await runBatch(h.deps, batchId);

    for (const locale of ["en", "id"] as const) {
      const csvLines = (await collect(batchResultsCsv(h.db, batchId, { locale }))).join("").slice(1).trimEnd().split("\r\n");
      const workbook = await workbookOf(await bytesOf(await streamBatchResultsXlsx(h.db, batchId, { locale })));
      const sheet = workbook.worksheets[0]!;
      expect(sheetAsCsvLines(sheet)).toEqual(csvLines);
      expect(sheet.getRow(2).getCell(6).value).toBe("=cmd");
      expect(sheet.getRow(2).getCell(3).value).toBe("6281234567890");
      expect(sheet.getRow(2).getCell(3).numFmt).toBe("@");
      expect(sheet.getRow(2).getCell(5).value).toBe(3_000_000);
      // A row never made valid keeps what was typed, as text.
      expect(sheet.getRow(4).getCell(5).value).toBe("10.000");
    }

    const typed = Papa.parse<Record<string, unknown>>((await collect(batchResultsCsv(h.db, batchId))).join("").slice(1), { header: true, skipEmptyLines: true, dynamicTyping: true }).data;
    expect(typed.map((row) => row.phone_local)).toEqual(["0812-3456-7890", "0811-1000-004", null]);
    expect(typed[0]!.phone_local).toBeTypeOf("string");
  });

  it("a results file uploads again as a batch of the same rows, in either language", async () => {
    const parsed = parseBatchCsv(["wallet,phone,amount,note", "GoPay,081234567890,75000,June", "ShopeePay,628111000001,50.000,"].join("\n"));
    if (!parsed.ok) throw new Error(parsed.message);
    const { batchId } = expectOk(await createBatch(h.deps, { actor: h.staff, ip: "203.0.113.5" }, { fileName: "june.csv", rows: parsed.rows }));
    for (const locale of ["en", "id"] as const) {
      const again = parseBatchCsv((await collect(batchResultsCsv(h.db, batchId, { locale }))).join(""));
      expect(again.ok && again.rows.map((row) => row.value)).toEqual(parsed.rows.map((row) => row.value));
    }
    // Once checked (owner names, statuses), the same.
    await runBatch(h.deps, batchId);
    const again = parseBatchCsv((await collect(batchResultsCsv(h.db, batchId, { locale: "id" }))).join(""));
    expect(again.ok && again.rows.map((row) => row.value)).toEqual(parsed.rows.map((row) => row.value));
  });
});
