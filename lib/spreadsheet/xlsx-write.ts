import ExcelJS from "exceljs";
import { PassThrough, Readable } from "node:stream";
import { jakartaOffsetMs } from "@/lib/jakarta";
import { log } from "@/lib/log";
import type { ColumnKind, ExportRow, ExportTable, ExportValue } from "./table";

/** How each kind of column shows its cells; `@` is Excel's Text format, kept for whatever is typed there later too. */
const numberFormat: Record<ColumnKind, string> = { text: "@", integer: "#,##0", time: "yyyy-mm-dd hh:mm:ss" };

/** Excel refuses a sheet name longer than 31 characters or with any of : \ / ? * [ ]. */
export function sheetName(name: string): string {
  return name.replace(/[:\\/?*[\]]/g, " ").trim().slice(0, 31) || "Sheet1";
}

/** A cell's value as the workbook stores it: a time becomes a date whose clock reads Jakarta time (Excel dates have no zone). */
export function xlsxValue(value: ExportValue, kind: ColumnKind): string | number | Date | null {
  if (kind === "time" && typeof value === "number") return new Date(value + jakartaOffsetMs);
  return value;
}

/** The header row in bold, frozen above the rows; each column's format set on the column, so its every cell has it. */
export function addTable(workbook: ExcelJS.Workbook, table: ExportTable): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(sheetName(table.sheet), { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = table.columns.map((column) => ({ width: column.width, style: { numFmt: numberFormat[column.kind] } }));
  const header = sheet.addRow(table.columns.map((column) => column.header));
  header.font = { bold: true };
  return sheet;
}

export function addRow(sheet: ExcelJS.Worksheet, table: ExportTable, values: ExportRow): ExcelJS.Row {
  return sheet.addRow(values.map((value, index) => xlsxValue(value, table.columns[index]?.kind ?? "text")));
}

/**
 * A table as an .xlsx byte stream, written by exceljs's streaming writer as the rows come: each row is
 * committed (and leaves memory) once written, and the next batch is read only when the client has taken
 * what was written so far, as with the CSV. A client that goes away ends the reading; a failure midway is
 * logged and breaks the download (a truncated workbook will not open), never a request left hanging.
 */
type RowBatches = (Iterator<readonly ExportRow[]> & Iterable<readonly ExportRow[]>) | (AsyncIterator<readonly ExportRow[]> & AsyncIterable<readonly ExportRow[]>);

export function xlsxStream(table: ExportTable, batches: RowBatches): ReadableStream<Uint8Array> {
  const output = new PassThrough();
  writeWorkbook(output, table, batches).catch((error: unknown) => {
    log().error({ err: error, sheet: table.sheet }, "[export] writing a workbook failed");
    output.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return Readable.toWeb(output) as ReadableStream<Uint8Array>;
}

async function writeWorkbook(output: PassThrough, table: ExportTable, batches: RowBatches) {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  const sheet = addTable(workbook, table);
  sheet.getRow(1).commit();
  try {
    for await (const rows of batches) {
      for (const values of rows) addRow(sheet, table, values).commit();
      // Let the zip writer turn what was committed into bytes, then wait while the client has not taken them.
      await new Promise((resolve) => setImmediate(resolve));
      if (!(await drained(output))) return;
    }
  } finally {
    // Stops the reading of further batches (and closes the query) when the loop ends early.
    await batches.return?.();
  }
  sheet.commit();
  await workbook.commit();
}

/** True once the stream can take more; false when it was closed (the client went away). */
function drained(output: PassThrough): Promise<boolean> {
  if (output.destroyed) return Promise.resolve(false);
  if (!output.writableNeedDrain) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (open: boolean) => () => {
      output.off("drain", onDrain);
      output.off("close", onClose);
      resolve(open);
    };
    const onDrain = done(true);
    const onClose = done(false);
    output.once("drain", onDrain);
    output.once("close", onClose);
  });
}

/** A whole (small) workbook as bytes, for the batch template. */
export async function workbookBytes(workbook: ExcelJS.Workbook): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
