import { csvBom, csvLine } from "@/lib/csv";
import { formatSortableEpochMs } from "@/lib/format";

/**
 * One export, written either as CSV or as an Excel workbook from the same rows (docs/exports.md), so both
 * files always say the same thing. A column's kind decides how its values are written:
 * - `text`: as text in both; in the workbook a Text cell (format `@`), so phone numbers and references keep
 *   their digits and leading zeros however Excel is set up;
 * - `integer`: whole numbers (amounts in rupiah, line numbers); plain digits in the CSV, numbers in the workbook;
 * - `time`: an instant (epoch milliseconds) written as Jakarta wall-clock time `YYYY-MM-DD HH:MM:SS`, in the
 *   workbook a date cell shown the same way.
 * A string in an `integer` column (what a person typed in a row that never became valid) stays text in both.
 */
export type ColumnKind = "text" | "integer" | "time";
export type ExportColumn = { header: string; kind: ColumnKind; /** Excel column width, in characters. */ width: number };
export type ExportValue = string | number | null;
export type ExportRow = readonly ExportValue[];
export type ExportTable = { sheet: string; columns: readonly ExportColumn[] };

/** One value as the CSV writes it: times in Jakarta wall-clock time, the rest as it is (csvCell quotes and defuses). */
export function csvValue(value: ExportValue, kind: ColumnKind): string | number | null {
  if (kind === "time" && typeof value === "number") return formatSortableEpochMs(value);
  return value;
}

/**
 * The CSV text of a table, one chunk per batch of rows: the byte-order mark (Excel then reads the names as
 * UTF-8) and the header first, before any row is read, then each batch as it comes. Batches read from the
 * database as they are awaited give an async generator; batches at hand, a plain one.
 */
export function csvChunks(table: ExportTable, batches: Iterable<readonly ExportRow[]>): Generator<string>;
export function csvChunks(table: ExportTable, batches: AsyncIterable<readonly ExportRow[]>): AsyncGenerator<string>;
export function csvChunks(table: ExportTable, batches: Iterable<readonly ExportRow[]> | AsyncIterable<readonly ExportRow[]>): Generator<string> | AsyncGenerator<string> {
  return Symbol.asyncIterator in batches ? csvChunksAsync(table, batches) : csvChunksSync(table, batches);
}

function* csvChunksSync(table: ExportTable, batches: Iterable<readonly ExportRow[]>): Generator<string> {
  yield csvHeader(table);
  const kinds = table.columns.map((column) => column.kind);
  for (const rows of batches) if (rows.length > 0) yield csvRows(kinds, rows);
}

async function* csvChunksAsync(table: ExportTable, batches: AsyncIterable<readonly ExportRow[]>): AsyncGenerator<string> {
  yield csvHeader(table);
  const kinds = table.columns.map((column) => column.kind);
  for await (const rows of batches) if (rows.length > 0) yield csvRows(kinds, rows);
}

function csvHeader(table: ExportTable): string {
  return `${csvBom}${csvLine(table.columns.map((column) => column.header))}`;
}

function csvRows(kinds: readonly ColumnKind[], rows: readonly ExportRow[]): string {
  let text = "";
  for (const row of rows) text += csvLine(row.map((value, index) => csvValue(value, kinds[index] ?? "text")));
  return text;
}
