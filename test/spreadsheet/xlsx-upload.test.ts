import { deflateRawSync } from "node:zlib";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { batchColumnNames, maxBatchBytes, maxBatchRows, parseBatchFile, type ParseResult } from "@/lib/batches/parse";
import { parseBatchFileOffThread, spreadsheetProblemMessage } from "@/lib/batches/parse-off-thread";
import { messagesOf } from "@/lib/i18n/messages";
import { readBatchUpload } from "@/lib/spreadsheet/batch-upload";
import { batchTemplateCsv, batchTemplateXlsx } from "@/lib/spreadsheet/template";

/** Batch files uploaded as Excel workbooks (docs/batches.md#1-upload): read into the rows a CSV makes, then the same checks. */

type Cell = string | number | null | { formula: string; result?: number | string };

async function workbook(rows: Cell[][], options: { sheetName?: string; hiddenFirst?: Cell[][]; phoneAsText?: boolean } = {}): Promise<Uint8Array<ArrayBuffer>> {
  const book = new ExcelJS.Workbook();
  if (options.hiddenFirst) {
    const hidden = book.addWorksheet("Old");
    hidden.state = "hidden";
    for (const row of options.hiddenFirst) hidden.addRow(row);
  }
  const sheet = book.addWorksheet(options.sheetName ?? "Transfers");
  for (const row of rows) sheet.addRow(row);
  return new Uint8Array(await book.xlsx.writeBuffer());
}

const csvBytes = (text: string) => new TextEncoder().encode(text);

function rowsOf(result: ParseResult | { ok: false; problem: unknown }) {
  if (!result.ok) throw new Error(`expected rows, got ${JSON.stringify(result)}`);
  return result.rows;
}

/** A zip archive (stored or deflated entries) written by hand, for archives no spreadsheet program would make. */
function zip(entries: { name: string; data: Uint8Array; deflate?: boolean }[]): Uint8Array<ArrayBuffer> {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const packed = entry.deflate ? deflateRawSync(entry.data) : Buffer.from(entry.data);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(entry.deflate ? 8 : 0, 8);
    header.writeUInt32LE(packed.length, 18);
    header.writeUInt32LE(entry.data.length, 22);
    header.writeUInt16LE(name.length, 26);
    local.push(header, name, packed);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(entry.deflate ? 8 : 0, 10);
    record.writeUInt32LE(packed.length, 20);
    record.writeUInt32LE(entry.data.length, 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt32LE(offset, 42);
    central.push(record, name);
    offset += header.length + name.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...local, directory, end]));
}

/** An OLE compound file as Excel writes a password-protected workbook: the magic, then a directory naming its streams. */
function compoundFile(streams: string[]): Uint8Array<ArrayBuffer> {
  const bytes = Buffer.alloc(512 * 4);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(bytes, 0);
  ["Root Entry", ...streams].forEach((name, index) => {
    const entry = 512 + index * 128;
    Buffer.from(name, "utf16le").copy(bytes, entry);
    bytes.writeUInt16LE((name.length + 1) * 2, entry + 64);
  });
  return new Uint8Array(bytes);
}

const header = ["wallet", "phone", "amount", "note"];
const twinRows: Cell[][] = [
  ["DANA", "081234567890", 50_000, "June allowance"],
  ["ovo", "+62 811-1000-001", "1.250.000", null],
  ["GoPay", 628111000002, 75_000, "=not a formula, just text"],
  ["ShopeePay", "0811 1000 009", 100_000.5, "half a rupiah"],
  ["Go Pay", "12345", "abc", "x".repeat(101)],
];
const twinCsv = [
  "wallet,phone,amount,note",
  "DANA,081234567890,50000,June allowance",
  'ovo,+62 811-1000-001,"1.250.000",',
  "GoPay,628111000002,75000,=not a formula, just text",
  "ShopeePay,0811 1000 009,100000.5,half a rupiah",
  `Go Pay,12345,abc,${"x".repeat(101)}`,
].join("\r\n");

describe("An .xlsx upload makes the rows its CSV twin makes", () => {
  it("reads the first sheet's rows, with its row numbers, into the same values and the same problems", async () => {
    // The note with a comma is quoted in the CSV; fix the twin so both hold the same text.
    const csv = twinCsv.replace("=not a formula, just text", '"=not a formula, just text"');
    const fromCsv = rowsOf(parseBatchFile(csvBytes(csv)));
    const fromXlsx = rowsOf(await readBatchUpload(await workbook([header, ...twinRows]), { fileName: "june.xlsx" }));
    expect(fromXlsx).toEqual(fromCsv);
    expect(fromXlsx.map((row) => row.line)).toEqual([2, 3, 4, 5, 6]);
    expect(fromXlsx.filter((row) => row.value).length).toBe(3);
    // A phone stored as a number keeps every digit (Excel itself would show 6,28111E+11).
    expect(fromXlsx[2]?.raw.phone).toBe("628111000002");
  });

  it("is told by its content, not its name; skips blank rows and hidden sheets; ignores cells beside the header's columns", async () => {
    const bytes = await workbook([[], header, ["DANA", "081234567890", 50_000, null, "an employee id"], [null, null], ["OVO", "081234567890", 60_000]], {
      hiddenFirst: [["nothing", "to", "see"]],
    });
    const rows = rowsOf(await readBatchUpload(bytes, { fileName: "payroll.csv" }));
    expect(rows.map((row) => [row.line, row.value])).toEqual([
      [3, { wallet: "DANA", phone: "6281234567890", amount: 50_000, note: null }],
      [5, { wallet: "OVO", phone: "6281234567890", amount: 60_000, note: null }],
    ]);
  });

  it("reads the same in the worker thread the upload uses", { timeout: 60_000 }, async () => {
    const bytes = await workbook([header, ...twinRows]);
    expect(await parseBatchFileOffThread(bytes.slice(), { fileName: "june.xlsx" })).toEqual(await readBatchUpload(bytes, { fileName: "june.xlsx" }));
  });
});

describe("Column names in either language", () => {
  for (const locale of ["en", "id"] as const) {
    it(`the ${locale} template's columns are the upload's, and both of its files read as the same rows`, async () => {
      const names = messagesOf(locale).exports.template.columns;
      expect(batchColumnNames.wallet).toContain(names.wallet);
      expect(batchColumnNames.phone).toContain(names.phone);
      expect(batchColumnNames.amount).toContain(names.amount);
      expect(batchColumnNames.note).toContain(names.note);

      const fromCsv = rowsOf(parseBatchFile(csvBytes(batchTemplateCsv(locale))));
      const fromXlsx = rowsOf(await readBatchUpload(await batchTemplateXlsx(locale), { fileName: "template.xlsx" }));
      expect(fromXlsx).toEqual(fromCsv);
      expect(fromCsv).toHaveLength(4);
      expect(fromCsv.every((row) => row.value !== null)).toBe(true);
      // The same transfers in both languages; only the example notes are translated.
      const english = rowsOf(parseBatchFile(csvBytes(batchTemplateCsv("en"))));
      expect(fromCsv.map(({ value }) => ({ ...value, note: null }))).toEqual(english.map(({ value }) => ({ ...value, note: null })));
    });
  }

  it("reads Indonesian headers written as people write them", () => {
    const rows = rowsOf(parseBatchFile(csvBytes("Dompet;Nomor HP;Nominal;Catatan\nDANA;081234567890;50.000;Gaji\n")));
    expect(rows[0]?.value).toEqual({ wallet: "DANA", phone: "6281234567890", amount: 50_000, note: "Gaji" });
  });

  it("the Excel template has a Text phone column and a sheet of instructions", async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await batchTemplateXlsx("id")) as unknown as ExcelJS.Buffer);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(["Transfer", "Cara mengisi"]);
    const [sheet, notes] = book.worksheets;
    expect(sheet!.getColumn(2).numFmt).toBe("@");
    expect(sheet!.getRow(1).values).toEqual([undefined, "dompet", "nomor_hp", "nominal", "catatan"]);
    expect(String(notes!.getRow(1).getCell(1).value)).toBe("Cara mengisi templat batch");
    expect(String(notes!.getRow(9).getCell(1).value)).toBe("Maksimal 10.000 baris dan 5 MB per berkas.");
  });
});

describe("A workbook that cannot be read is refused with a message, in the uploader's language", () => {
  /** What the uploader reads: the reader's refusal, worded as parse-off-thread.ts words it (the worker itself is tried below). */
  const refused = async (bytes: Uint8Array<ArrayBuffer>, fileName: string, locale: "en" | "id" = "en") => {
    const result = await readBatchUpload(bytes, { fileName });
    if (result.ok) throw new Error("expected a refusal");
    return "problem" in result ? spreadsheetProblemMessage(result.problem, locale) : result.message;
  };

  it("in the worker thread the upload uses, with the same messages", { timeout: 60_000 }, async () => {
    const encrypted = () => compoundFile(["EncryptionInfo", "EncryptedPackage"]);
    expect(await parseBatchFileOffThread(encrypted(), { fileName: "gaji.xlsx", locale: "id" })).toEqual({ ok: false, message: await refused(encrypted(), "gaji.xlsx", "id") });
    const formula = await workbook([header, ["DANA", "081234567890", { formula: "1+1", result: 2 }]]);
    expect(await parseBatchFileOffThread(formula.slice(), { fileName: "x.xlsx", locale: "en" })).toEqual({
      ok: false,
      message: "Row 2 column C contains a formula: paste values only.",
    });
  });

  it("not a workbook: random bytes named .xlsx, a zip that is not one, a broken one", async () => {
    const random = new Uint8Array(4096).map((_, index) => (index * 7919 + 13) % 251);
    expect(await refused(random, "payroll.xlsx")).toBe(
      "This file is named like an Excel workbook but is not one. Open it in Excel and save it as Excel Workbook (.xlsx) or CSV UTF-8, then upload that file.",
    );
    expect(await refused(random, "payroll.xlsx", "id")).toBe(
      "Nama berkas ini seperti buku kerja Excel, tetapi isinya bukan buku kerja. Buka di Excel dan simpan sebagai Buku Kerja Excel (.xlsx) atau CSV UTF-8, lalu unggah berkas itu.",
    );
    const docx = zip([{ name: "word/document.xml", data: csvBytes("<w:document/>") }]);
    expect(await refused(docx, "payroll.xlsx")).toContain("is not one");
    const truncated = (await workbook([header, ...twinRows])).slice(0, 2000);
    expect(await refused(truncated, "payroll.xlsx")).toContain("is not one");
    const broken = zip([
      { name: "[Content_Types].xml", data: csvBytes("<Types/>") },
      { name: "xl/workbook.xml", data: csvBytes("<workbook><sheets><sheet") },
    ]);
    expect(await refused(broken, "payroll.xlsx")).toBe(
      "This workbook could not be read. Open it in Excel, save it again as Excel Workbook (.xlsx) and upload that file.",
    );
  });

  it("password-protected: the compound file Excel saves it as", async () => {
    const encrypted = compoundFile(["EncryptionInfo", "EncryptedPackage", "\u0006DataSpaces"]);
    expect(await refused(encrypted, "payroll.xlsx")).toBe("This workbook is password-protected: save it without a password and upload again.");
    expect(await refused(encrypted, "gaji.xlsx", "id")).toBe("Buku kerja ini dilindungi kata sandi: simpan tanpa kata sandi, lalu unggah lagi.");
    // The same container without encryption is an Excel 97–2003 file.
    expect(await refused(compoundFile(["Workbook", "\u0005SummaryInformation"]), "payroll.xls")).toContain("Excel 97–2003 workbook (.xls)");
  });

  it("a formula in a cell, wherever it is, named by its row and column", async () => {
    const bytes = await workbook([header, ["DANA", "081234567890", 50_000], ["OVO", "081234567890", { formula: "B2*2", result: 100_000 }]]);
    expect(await refused(bytes, "payroll.xlsx")).toBe("Row 3 column C contains a formula: paste values only.");
    expect(await refused(bytes, "payroll.xlsx", "id")).toBe("Baris 3 kolom C berisi rumus: tempel nilainya saja.");
    const shared = await workbook([header, ["DANA", "081234567890", 50_000, null, null, null, { formula: "NOW()" }]]);
    expect(await refused(shared, "payroll.xlsx")).toBe("Row 2 column G contains a formula: paste values only.");
  });

  it("an empty first sheet", async () => {
    expect(await refused(await workbook([]), "payroll.xlsx")).toBe(
      "The first sheet of this workbook is empty. Put the transfers on the first sheet, with the column names in row 1.",
    );
    expect(await refused(await workbook([[null, "  "]]), "payroll.xlsx")).toContain("first sheet of this workbook is empty");
  });

  it("too many rows, no rows, wrong columns, too big: the CSV's limits and messages", { timeout: 60_000 }, async () => {
    const many: Cell[][] = [header];
    for (let i = 0; i <= maxBatchRows; i++) many.push(["DANA", `0812${String(i).padStart(8, "0")}`, 10_000 + i]);
    expect(await refused(await workbook(many), "many.xlsx")).toBe("The file has 10,001 rows; a batch holds at most 10,000. Split it into smaller files.");
    expect(await refused(await workbook([header]), "header.xlsx")).toBe("The file has no rows after the header.");
    expect(await refused(await workbook([["ewallet", "telephone", "amount"], ["DANA", "081234567890", 5]]), "x.xlsx")).toContain(
      "Missing: wallet, phone. Found: ewallet, telephone, amount.",
    );
    const big = new Uint8Array(maxBatchBytes + 1);
    big.set(await workbook([header]));
    expect(await refused(big, "big.xlsx")).toBe("The file is 5.1 MB; a batch file is at most 5 MB. Split it into smaller files.");
  });

  it("a workbook that unpacks to more than 32 MB (a zip bomb), whatever sizes its directory claims", async () => {
    const bomb = zip([
      { name: "xl/workbook.xml", data: csvBytes("<workbook/>") },
      { name: "xl/worksheets/sheet1.xml", data: new Uint8Array(40 * 1024 * 1024).fill(0x20), deflate: true },
    ]);
    expect(bomb.byteLength).toBeLessThan(maxBatchBytes);
    expect(await refused(bomb, "bomb.xlsx")).toBe(
      "This workbook holds more than 32 MB once unpacked. Keep only the sheet with the transfers, or save it as CSV UTF-8, then upload again.",
    );
  });
});
