import ExcelJS from "exceljs";
import type { Page } from "@playwright/test";
import { csvLine } from "../lib/csv";
import { expect, test } from "./fixtures";
import { BatchPage } from "./pages/batch-page";
import { HistoryPage } from "./pages/history-page";
import { updateTransfer, withE2eDatabase } from "./support/database";
import { setLanguage } from "./support/language";
import { seedTransfers, uniquePhone, uniqueReference, uniqueWord } from "./support/seed";

/*
 * Spreadsheets (docs/exports.md, docs/batches.md#excel-workbooks): the history and a batch's results as CSV and as Excel hold
 * the same rows; an Excel upload makes the batch its CSV twin makes; a workbook that cannot be read is refused and makes no batch.
 */

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async function workbookOf(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return workbook;
}

/** CSV text without its byte-order mark → rows of cells (no cell here holds a line break or a quote). */
function csvRows(text: string): string[][] {
  expect(text.startsWith("\uFEFF"), "the CSV starts with a byte-order mark").toBe(true);
  return text
    .slice(1)
    .trimEnd()
    .split("\r\n")
    .map((line) => line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((cell) => cell.replace(/^"(.*)"$/s, "$1").replaceAll('""', '"')));
}

/**
 * A workbook's first sheet, each row written as the CSV export writes a line (dates as Jakarta wall-clock text,
 * text defused): the workbook keeps "=…" or "+62…" as the text it is, in a Text cell that is never run.
 */
function sheetLines(workbook: ExcelJS.Workbook): string[] {
  const sheet = workbook.worksheets[0]!;
  const lines: string[] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const values = Array.from({ length: sheet.columnCount }, (_, index) => {
      const value = row.getCell(index + 1).value;
      if (value === null || value === undefined) return null;
      if (value instanceof Date) return value.toISOString().slice(0, 19).replace("T", " ");
      if (typeof value === "number" || typeof value === "string") return value;
      throw new Error(`unexpected cell ${JSON.stringify(value)}`);
    });
    lines.push(csvLine(values).trimEnd());
  });
  return lines;
}

/** The CSV's lines, without its byte-order mark (no cell here holds a line break). */
const csvLines = (text: string) => text.slice(1).trimEnd().split("\r\n");

async function download(page: Page, link: string | RegExp): Promise<{ name: string; bytes: Buffer }> {
  const waiting = page.waitForEvent("download");
  await page.getByRole("link", typeof link === "string" ? { name: link, exact: true } : { name: link }).click();
  const file = await waiting;
  return { name: file.suggestedFilename(), bytes: Buffer.concat(await (await file.createReadStream()).toArray()) };
}

test.describe("Exports: the CSV and the Excel file hold the same rows", () => {
  test("history: both downloads of the filtered view, phones and references as text, headers in the reader's language", async ({ page, context, signInAs }) => {
    const family = uniqueWord("Lembar");
    const seeds = [
      { reference: uniqueReference(), ownerName: `Siti ${family}`, phone: "6281234567890", amount: 1_250_000, status: "succeeded" as const, createdAt: new Date("2024-05-02T03:04:05Z") },
      { reference: uniqueReference(), ownerName: `=HYPERLINK("x") ${family}`, phone: uniquePhone(), amount: 20_000, status: "failed" as const },
      { reference: uniqueReference(), ownerName: `Budi, ${family}`, phone: uniquePhone(), amount: 75_000, status: "processing" as const },
    ];
    seedTransfers(seeds);
    // A Cash In reference of digits with leading zeros: what a spreadsheet would turn into a number.
    updateTransfer(seeds[0]!.reference, { cashin_reference: "0012345678901234567890" });

    await signInAs("staff");
    const history = new HistoryPage(page);
    await history.goto(`?q=${family}`);
    await expect(history.rows).toHaveCount(3);

    const csv = await download(page, "Export CSV");
    const xlsx = await download(page, /^Excel/);
    expect(csv.name).toMatch(/^transfers-\d{8}-\d{4}\.csv$/);
    expect(xlsx.name).toMatch(/^transfers-\d{8}-\d{4}\.xlsx$/);

    const fromCsv = csvRows(csv.bytes.toString("utf8"));
    const workbook = await workbookOf(xlsx.bytes);
    expect(sheetLines(workbook)).toEqual(csvLines(csv.bytes.toString("utf8")));
    expect(fromCsv).toHaveLength(4);
    expect(fromCsv[0]!.slice(0, 7)).toEqual(["Reference", "Created (WIB)", "Wallet", "Phone", "Phone (local format)", "Owner name", "Amount (IDR)"]);
    const siti = fromCsv.find((row) => row[0] === seeds[0]!.reference)!;
    expect(siti.slice(1, 7)).toEqual(["2024-05-02 10:04:05", "DANA", "6281234567890", "0812-3456-7890", `Siti ${family}`, "1250000"]);
    expect(siti).toContain("0012345678901234567890");

    const sheet = workbook.worksheets[0]!;
    const sitiRow = sheet.getRow(1 + fromCsv.findIndex((row) => row[0] === seeds[0]!.reference));
    expect(sitiRow.getCell(4).value).toBe("6281234567890");
    expect(sitiRow.getCell(4).numFmt).toBe("@");
    expect(sitiRow.getCell(7).value).toBe(1_250_000);
    expect(sitiRow.getCell(1 + fromCsv[0]!.indexOf("Cash In reference")).value).toBe("0012345678901234567890");
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });

    // In Indonesian: the same rows under Indonesian headers and statuses.
    await setLanguage(context, "id");
    const exportUrl = `/transfers/export?q=${family}`;
    const indonesianText = (await (await page.request.get(exportUrl)).body()).toString("utf8");
    const indonesian = csvRows(indonesianText);
    expect(indonesian[0]!.slice(0, 7)).toEqual(["Referensi", "Dibuat (WIB)", "Dompet", "Nomor HP", "Nomor HP (format lokal)", "Pemilik akun", "Nominal (IDR)"]);
    expect(indonesian.find((row) => row[0] === seeds[0]!.reference)![indonesian[0]!.indexOf("Status")]).toBe("Berhasil");
    const indonesianXlsx = await page.request.get(`${exportUrl}&format=xlsx`);
    expect(indonesianXlsx.headers()["content-type"]).toBe(xlsxType);
    const indonesianBook = await workbookOf(await indonesianXlsx.body());
    expect(indonesianBook.worksheets[0]!.name).toBe("Transfer");
    expect(sheetLines(indonesianBook)).toEqual(csvLines(indonesianText));
  });
});

test.describe("Batches from Excel workbooks", () => {
  const header = ["wallet", "phone", "amount", "note"];
  const rows: (string | number)[][] = [
    ["DANA", "081234567890", 150_000, "March allowance"],
    ["OVO", "+62 811-1000-001", 175_000, ""],
    ["GoPay", 628111000002, 125_000, "Invoice; 114"],
    ["ShopeePay", "12345", 60_000, "not a phone number"],
    ["go pay", "0811 1000 009", "70.000", "spelled differently"],
  ];
  const csvText = `${[header, ...rows].map((row) => row.map((cell) => (/[;,"]/.test(String(cell)) ? `"${cell}"` : String(cell))).join(",")).join("\r\n")}\r\n`;

  async function xlsxOf(data: (string | number | { formula: string })[][]): Promise<Buffer> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Payroll");
    for (const row of data) sheet.addRow(row);
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  /**
   * A batch's rows as the upload made them: what the file said, the values made of it, and the problems of a row
   * that is not valid. (What the look-ups found next depends on the shared mock gateway, not on the file.)
   */
  function uploadedRows(batchId: number) {
    type Row = Record<string, string | number | null>;
    return withE2eDatabase(
      (db) =>
        db
          .prepare(
            `select line, raw_wallet, raw_phone, raw_amount, note, wallet, phone, amount, state = 'invalid' as invalid, case when state = 'invalid' then problem end as problem
             from batch_rows where batch_id = ? order by line`,
          )
          .all(batchId) as Row[],
    );
  }

  test("an .xlsx upload makes the same batch as its CSV twin, and the results come out the same as CSV and as Excel", async ({ page, signInAs }) => {
    await signInAs("staff");
    const batch = new BatchPage(page);
    await batch.gotoUpload();
    const fromCsv = await batch.upload("twin.csv", csvText);
    await batch.gotoUpload();
    const fromXlsx = await batch.upload("twin.xlsx", await xlsxOf([header, ...rows]));
    await expect(batch.totalRows).toHaveText("5");

    const csvRowsOfBatch = uploadedRows(fromCsv.id);
    expect(uploadedRows(fromXlsx.id)).toEqual(csvRowsOfBatch);
    expect(csvRowsOfBatch.map((row) => row.invalid)).toEqual([0, 0, 0, 1, 0]);
    expect(csvRowsOfBatch[2]).toMatchObject({ raw_phone: "628111000002", phone: "628111000002", note: "Invoice; 114" });
    expect(csvRowsOfBatch[3]!.problem).not.toBeNull();

    // The results of the Excel batch, both ways (the page links them once the batch is submitted).
    const csv = await page.request.get(`/batches/${fromXlsx.id}/export`);
    const xlsx = await page.request.get(`/batches/${fromXlsx.id}/export?format=xlsx`);
    expect(xlsx.headers()["content-type"]).toBe(xlsxType);
    expect(xlsx.headers()["content-disposition"]).toMatch(new RegExp(`^attachment; filename="batch-${fromXlsx.reference}-\\d{8}-\\d{4}\\.xlsx"$`));
    const resultText = (await csv.body()).toString("utf8");
    const resultRows = csvRows(resultText);
    expect(sheetLines(await workbookOf(await xlsx.body()))).toEqual(csvLines(resultText));
    expect(resultRows[0]).toEqual(["line", "wallet", "phone", "phone_local", "amount", "note", "owner_name", "status", "cashin_reference", "transfer_reference", "detail"]);
    expect(resultRows[1]!.slice(0, 7)).toEqual(["2", "DANA", "6281234567890", "0812-3456-7890", "150000", "March allowance", "John"]);
  });

  test("the Indonesian template, as Excel, uploads as the same transfers as the English CSV template", async ({ page, context, signInAs }) => {
    await signInAs("staff");
    await setLanguage(context, "id");
    const template = await page.request.get("/batches/template?format=xlsx");
    expect(template.headers()["content-disposition"]).toBe('attachment; filename="templat-batch.xlsx"');
    const indonesian = await template.body();
    expect((await workbookOf(indonesian)).worksheets.map((sheet) => sheet.name)).toEqual(["Transfer", "Cara mengisi"]);
    await setLanguage(context, "en");
    const english = await (await page.request.get("/batches/template")).body();

    const batch = new BatchPage(page);
    await batch.gotoUpload();
    const fromEnglish = await batch.upload("batch-template.csv", english);
    await batch.gotoUpload();
    const fromIndonesian = await batch.upload("templat-batch.xlsx", indonesian);
    const without = (rows: Record<string, unknown>[]) => rows.map(({ note: _note, raw_amount: _amount, ...row }) => row);
    const englishRows = uploadedRows(fromEnglish.id);
    expect(without(uploadedRows(fromIndonesian.id))).toEqual(without(englishRows));
    expect(englishRows.map((row) => row.invalid)).toEqual([0, 0, 0, 0]);
  });

  test("a workbook with a formula, a random file named .xlsx and a password-protected one are refused, and make no batch", async ({ page, context, signInAs }) => {
    await signInAs("staff");
    const batch = new BatchPage(page);
    await batch.gotoUpload();
    const formula = `formula-${Date.now()}.xlsx`;
    await batch.submitFile(formula, await xlsxOf([header, ["DANA", "081234567890", 50_000, "x"], ["OVO", "081234567890", { formula: "C2*2" }, "y"]]));
    await expect(batch.uploadForm.getByText("Row 3 column C contains a formula: paste values only.")).toBeVisible();
    await expect(page).toHaveURL(/\/batches$/);

    const random = `random-${Date.now()}.xlsx`;
    await batch.submitFile(random, Buffer.from(Array.from({ length: 2048 }, (_, index) => (index * 7919 + 13) % 251)));
    await expect(batch.uploadForm.getByText("This file is named like an Excel workbook but is not one.", { exact: false })).toBeVisible();

    // In Indonesian, for a password-protected workbook (the compound file Excel saves it as).
    await setLanguage(context, "id");
    await page.reload();
    const locked = Buffer.alloc(2048);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(locked);
    Buffer.from("EncryptionInfo", "utf16le").copy(locked, 640);
    Buffer.from("EncryptedPackage", "utf16le").copy(locked, 768);
    const lockedName = `terkunci-${Date.now()}.xlsx`;
    await page.locator('input[type="file"][name="file"]').setInputFiles({ name: lockedName, mimeType: xlsxType, buffer: locked });
    await page.getByRole("button", { name: "Unggah dan periksa" }).click();
    await expect(page.getByText("Buku kerja ini dilindungi kata sandi: simpan tanpa kata sandi, lalu unggah lagi.")).toBeVisible();

    await page.reload();
    for (const name of [formula, random, lockedName]) await expect(page.getByText(name)).toHaveCount(0);
    const made = withE2eDatabase((db) => (db.prepare("select count(*) n from batches where file_name in (?, ?, ?)").get(formula, random, lockedName) as { n: number }).n);
    expect(made).toBe(0);
  });
});
