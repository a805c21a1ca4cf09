import ExcelJS from "exceljs";
import type { SourceLine } from "@/lib/batches/parse";
import { checkZip, fileKind, isEncryptedPackage } from "./zip";

/**
 * Reading an uploaded Excel workbook (.xlsx) into rows of cell text, the same shape the CSV reader makes,
 * so that lib/batches/parse.ts checks both alike. Only the first sheet is read. What cannot be read is a
 * `SpreadsheetProblem`, worded in the uploader's language by `spreadsheetProblemMessage` in lib/batches/parse-off-thread.ts.
 */

export type SpreadsheetProblem =
  | { key: "notWorkbook" | "encrypted" | "oldExcel" | "unreadable" | "emptySheet" }
  | { key: "formula"; row: number; column: string }
  | { key: "tooLarge"; megabytes: number };

export type SheetRead = { ok: true; lines: SourceLine[] } | { ok: false; problem: SpreadsheetProblem };

/** What a workbook may unpack to: far more than 10.000 rows need, far less than a zip bomb's gigabytes. */
export const maxUnpackedBytes = 32 * 1024 * 1024;

/** Names people give Excel files; content decides what a file is, the name only which refusal reads best. */
export const workbookName = /\.(xlsx|xlsm|xltx|xls|xlsb|ods)$/i;

/**
 * A file that is not CSV text: a zip (an .xlsx) is read; an OLE compound file is a password-protected
 * workbook or an old .xls. Anything else named like a workbook is refused; `undefined` means "read it as CSV".
 */
export async function readWorkbookUpload(bytes: Uint8Array, fileName: string): Promise<SheetRead | undefined> {
  const kind = fileKind(bytes);
  if (kind === "compound") return { ok: false, problem: { key: isEncryptedPackage(bytes) ? "encrypted" : "oldExcel" } };
  if (kind === "zip") return readXlsx(bytes);
  return workbookName.test(fileName) ? { ok: false, problem: { key: "notWorkbook" } } : undefined;
}

/** An .xlsx's first sheet → its non-blank rows as cell text, numbered as Excel numbers them. */
export async function readXlsx(bytes: Uint8Array): Promise<SheetRead> {
  const zip = checkZip(bytes, { maxUnpackedBytes });
  if (!zip.ok) return { ok: false, problem: zip.reason === "tooLarge" ? { key: "tooLarge", megabytes: maxUnpackedBytes / 1024 / 1024 } : { key: "notWorkbook" } };
  // A .docx, an .ods or any other zip: not an Excel workbook.
  if (!zip.names.some((name) => name.replace(/^\//, "") === "xl/workbook.xml")) return { ok: false, problem: { key: "notWorkbook" } };

  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  } catch {
    return { ok: false, problem: { key: "unreadable" } };
  }
  // The first tab a person sees: hidden sheets are skipped.
  const sheet = workbook.worksheets.find((candidate) => candidate.state === "visible") ?? workbook.worksheets[0];
  if (!sheet) return { ok: false, problem: { key: "emptySheet" } };

  const lines: SourceLine[] = [];
  let formula: SpreadsheetProblem | undefined;
  sheet.eachRow({ includeEmpty: false }, (row) => {
    if (formula) return;
    const cells: string[] = [];
    row.eachCell({ includeEmpty: false }, (cell, column) => {
      if (formula) return;
      if (cell.type === ExcelJS.ValueType.Formula) {
        formula = { key: "formula", row: row.number, column: cell.address.replace(/\d+$/, "") };
        return;
      }
      cells[column - 1] = cellText(cell);
    });
    // Holes (cells never written) read as empty, as in the CSV Excel would save.
    const filled = Array.from(cells, (text) => text ?? "");
    if (filled.some((text) => text.trim() !== "")) lines.push({ line: row.number, cells: filled });
  });
  if (formula) return { ok: false, problem: formula };
  if (lines.length === 0) return { ok: false, problem: { key: "emptySheet" } };
  return { ok: true, lines };
}

/**
 * A cell's value as text, as typed: numbers in plain digits (a phone stored as a number keeps every digit
 * instead of Excel's 6,28E+12), dates as YYYY-MM-DD (with the time when there is one). Cells merged into
 * another are empty, as Excel shows them.
 */
function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  switch (cell.type) {
    case ExcelJS.ValueType.Null:
    case ExcelJS.ValueType.Merge:
      return "";
    case ExcelJS.ValueType.Number:
      return numberText(value as number);
    case ExcelJS.ValueType.Date: {
      const iso = (value as Date).toISOString();
      return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.slice(0, 19).replace("T", " ");
    }
    case ExcelJS.ValueType.Boolean:
      return value ? "TRUE" : "FALSE";
    case ExcelJS.ValueType.Error:
      return (value as ExcelJS.CellErrorValue).error;
    case ExcelJS.ValueType.RichText:
      return (value as ExcelJS.CellRichTextValue).richText.map((part) => part.text).join("");
    case ExcelJS.ValueType.Hyperlink: {
      const text = (value as ExcelJS.CellHyperlinkValue).text as unknown;
      if (typeof text === "string") return text;
      if (text && typeof text === "object" && "richText" in text) return (text as ExcelJS.CellRichTextValue).richText.map((part) => part.text).join("");
      return "";
    }
    default:
      return typeof value === "string" ? value : cell.text;
  }
}

function numberText(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return value.toFixed(0);
  return String(value);
}
