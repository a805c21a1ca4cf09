import ExcelJS from "exceljs";
import { maxBatchRows } from "@/lib/batches/parse";
import { csvBom } from "@/lib/csv";
import { formatFor } from "@/lib/format";
import type { Locale } from "@/lib/i18n/locales";
import { exportsTranslator } from "./labels";
import type { ExportTable } from "./table";
import { addRow, addTable, workbookBytes } from "./xlsx-write";

/**
 * The batch template a person starts from (GET /batches/template, `?format=xlsx` for Excel), in their language:
 * the upload's column names (which the upload accepts in either language, lib/batches/parse.ts), and example
 * rows written the ways the upload accepts them. The CSV has no room for instructions (any extra line would
 * be read as a row); the workbook has them on a second sheet, and its phone column is Text, so a number typed
 * there keeps its leading 0.
 */

/** Example rows: the wallet, the phone as people write it, the amount in whole rupiah, the note (`exports.template.examples`). */
const examples = [
  { wallet: "DANA", phone: "081234567890", amount: 50_000, note: "allowance" },
  { wallet: "OVO", phone: "+62 811-1000-001", amount: 1_250_000, note: "invoice" },
  { wallet: "GoPay", phone: "628111000002", amount: 75_000, note: null },
  { wallet: "ShopeePay", phone: "0811 1000 009", amount: 100_000, note: "refund" },
] as const;

function templateTable(locale: Locale): ExportTable {
  const t = exportsTranslator(locale);
  return {
    sheet: t("template.sheet"),
    columns: [
      { header: t("template.columns.wallet"), kind: "text", width: 12 },
      { header: t("template.columns.phone"), kind: "text", width: 18 },
      { header: t("template.columns.amount"), kind: "integer", width: 14 },
      { header: t("template.columns.note"), kind: "text", width: 32 },
    ],
  };
}

function templateRows(locale: Locale) {
  const t = exportsTranslator(locale);
  return examples.map((row) => [row.wallet, row.phone, row.amount, row.note ? t(`template.examples.${row.note}`) : ""] as const);
}

/**
 * One line of our own text, quoted where needed but not defused: csvLine would put an apostrophe before the
 * `+` of "+62 811…", a formula character, and the upload would then read the apostrophe as part of the number.
 */
function templateLine(cells: readonly (string | number)[]): string {
  return `${cells.map((cell) => (/[",;\r\n]/.test(String(cell)) ? `"${String(cell).replaceAll('"', '""')}"` : String(cell))).join(",")}\r\n`;
}

/** The CSV template: byte-order mark, the header, the example rows (amounts in plain digits). */
export function batchTemplateCsv(locale: Locale): string {
  return csvBom + templateLine(templateTable(locale).columns.map((column) => column.header)) + templateRows(locale).map(templateLine).join("");
}

/** The Excel template: the same header and rows (amounts as numbers, phones as text), then a sheet of instructions. */
export async function batchTemplateXlsx(locale: Locale): Promise<Uint8Array<ArrayBuffer>> {
  const t = exportsTranslator(locale);
  const table = templateTable(locale);
  const workbook = new ExcelJS.Workbook();
  const sheet = addTable(workbook, table);
  for (const row of templateRows(locale)) addRow(sheet, table, row);

  const notes = workbook.addWorksheet(t("template.notesSheet"));
  notes.getColumn(1).width = 110;
  const column = (key: "wallet" | "phone" | "amount" | "note") => t(`template.columns.${key}`);
  const lines = [
    t("template.notes.title"),
    t("template.notes.rows"),
    t("template.notes.examples"),
    t("template.notes.wallet", { column: column("wallet") }),
    t("template.notes.phone", { column: column("phone") }),
    t("template.notes.amount", { column: column("amount") }),
    t("template.notes.note", { column: column("note") }),
    t("template.notes.values"),
    t("template.notes.limits", { rows: formatFor(locale).number(maxBatchRows) }),
  ];
  for (const line of lines) notes.addRow([line]).getCell(1).alignment = { wrapText: true, vertical: "top" };
  notes.getRow(1).font = { bold: true };
  return workbookBytes(workbook);
}
