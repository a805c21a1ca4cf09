import Papa from "papaparse";
import { z } from "zod";
import type { Wallet } from "@/lib/cashin/protocol";
import { msg } from "@/lib/i18n/translate";
import { amountField, maxMemoLength, phoneField, unsafeCharacters, walletField } from "@/lib/transfers/schemas";

/**
 * Batch payouts: the CSV a finance user uploads, turned into rows to check and fix before anything is
 * looked up. Pure and client-safe, so the upload page can show problems before the server sees the file.
 * Messages are in the language of `currentLocale()`: English in the upload's worker thread and when rows are
 * stored (lib/batches/rows.ts), read back in the reader's language by lib/i18n/stored.ts.
 */

export const maxBatchRows = 10_000;
export const maxBatchBytes = 5 * 1024 * 1024; // 5 MB
export const batchColumns = ["wallet", "phone", "amount", "note", "recipient"] as const;
export type BatchColumn = (typeof batchColumns)[number];
const requiredColumns = ["wallet", "phone", "amount"] as const satisfies readonly BatchColumn[];

/**
 * The names a header may give each column: the English and the Indonesian template's (messages `exports.template.columns`,
 * test/batches/spreadsheet-upload.test.ts keeps them in step), compared in lower case with spaces, dashes and underscores
 * alike, so "Nomor HP" is "nomor_hp". A file made from either language's template, or exported from a batch's results
 * in either language, reads the same.
 */
export const batchColumnNames: Record<BatchColumn, readonly string[]> = {
  wallet: ["wallet", "dompet"],
  phone: ["phone", "nomor_hp"],
  amount: ["amount", "nominal"],
  note: ["note", "catatan"],
  // A saved recipient's label instead of wallet and phone (docs/batches.md#paying-saved-recipients).
  recipient: ["recipient", "penerima"],
};
const columnByName = new Map(batchColumns.flatMap((column) => batchColumnNames[column].map((name) => [name, column] as const)));
const headerName = (name: string) => name.toLowerCase().replace(/[\s_-]+/g, "_");

export type BatchRowRaw = { wallet: string; phone: string; amount: string; note: string };
export type BatchRowValue = { wallet: Wallet; phone: string; amount: number; note: string | null };
export type BatchRowProblems = Partial<Record<BatchColumn | "row", string>>;

/** One data row as read from the file, before any look-up. */
export type ParsedRow = {
  /** 1-based physical line in the file (header = 1), so the user can find it in a spreadsheet or editor. */
  line: number;
  /** Trimmed cell text as in the file. */
  raw: BatchRowRaw;
  /** Present when every field is valid: phone normalized to 628…, amount in whole rupiah. */
  value: BatchRowValue | null;
  /** One message per field problem, plus `row` for structural ones; empty when value is present. */
  problems: BatchRowProblems;
  /**
   * The saved recipient's label the row names: its wallet and phone (and, when the row leaves them empty, its
   * default amount and memo) are filled in on the server, which knows the recipients (lib/batches/recipients.ts);
   * the row is checked then.
   */
  recipient?: string;
};

/** `delimiter` tells how a CSV file was split; a workbook's rows come split into cells. */
export type ParseResult = { ok: true; rows: ParsedRow[]; delimiter?: "," | ";" } | { ok: false; message: string };

/** One non-blank row of the file as cells, with its 1-based line (CSV) or row number (workbook). */
export type SourceLine = { line: number; cells: string[] };


/** Why a file is refused for its size alone, whatever it holds (CSV text or a workbook). */
export function sizeRefusal(bytes: Uint8Array): string | undefined {
  if (bytes.byteLength === 0) return msg("server.batches.emptyFile");
  if (bytes.byteLength > maxBatchBytes) {
    // Rounded up, so a file just over the limit never reads as "5 MB".
    const megabytes = Math.ceil((bytes.byteLength / 1024 / 1024) * 10) / 10;
    return msg("server.batches.file.sizeMb", { size: megabytes });
  }
  return undefined;
}

/** Bytes of an uploaded file → text: UTF-8 only, so names and notes never arrive silently garbled. */
export function decodeBatchFile(bytes: Uint8Array): { ok: true; text: string } | { ok: false; message: string } {
  const size = sizeRefusal(bytes);
  if (size) return { ok: false, message: size };
  let text: string;
  try {
    // fatal: a Latin-1 or UTF-16 file (Excel's plain "CSV" and "Unicode Text") is refused instead of decoded into �.
    // The decoder drops a leading byte-order mark, which Excel's "CSV UTF-8" writes.
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: msg("server.batches.file.notUtf8") };
  }
  if (text.trim() === "") return { ok: false, message: msg("server.batches.emptyFile") };
  return { ok: true, text };
}

/**
 * An uploaded file → rows: decoded, then read, each step refusing the file with its own message. The upload
 * runs this in a worker thread (parse-off-thread.ts), since a 5 MB file can keep a CPU busy for seconds.
 */
export function parseBatchFile(bytes: Uint8Array): ParseResult {
  const decoded = decodeBatchFile(bytes);
  return decoded.ok ? parseBatchCsv(decoded.text) : decoded;
}

/** Text → rows. Refuses the whole file only when it cannot be read as a batch; row problems stay on the rows. */
export function parseBatchCsv(input: string): ParseResult {
  // Text decoded from an accepted file is never longer than its bytes; this guards other callers.
  if (input.length > maxBatchBytes) return { ok: false, message: msg("server.batches.file.tooLarge") };

  // One line break everywhere: papaparse keeps the first one it sees, and files edited by hand mix CRLF and LF.
  const text = input.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const delimiter = delimiterOf(text);
  const parsed = Papa.parse<string[]>(text, { delimiter, newline: "\n", header: false, skipEmptyLines: false });

  const quoteError = parsed.errors.find((error) => error.type === "Quotes");
  if (quoteError) return { ok: false, message: quoteMessage(quoteError, text) };

  // Empty lines stay in papaparse's output (no skipEmptyLines) so every physical line is counted; a row spans
  // one line plus one per line break inside its quoted cells.
  const lines: { line: number; cells: string[] }[] = [];
  let next = 1;
  for (const cells of parsed.data) {
    // Whitespace-only lines and spreadsheets' blank rows (",,,") are not rows.
    if (cells.some((cell) => cell.trim() !== "")) lines.push({ line: next, cells });
    next += 1 + cells.reduce((breaks, cell) => breaks + countLineBreaks(cell), 0);
  }

  const read = parseBatchLines(lines, { delimiter });
  return read.ok ? { ...read, delimiter } : read;
}

/**
 * Rows of cells → batch rows: the header names the columns, then each row is validated. Shared by the CSV reader
 * above and the workbook reader (lib/spreadsheet/xlsx-read.ts), so both files are held to the same rules.
 * `delimiter` is the CSV's, for the hint on a line with more fields than the header; a workbook has none.
 */
export function parseBatchLines(lines: readonly SourceLine[], { delimiter }: { delimiter?: "," | ";" } = {}): ParseResult {
  const [header, ...data] = lines;
  if (!header) return { ok: false, message: `${msg("server.batches.file.empty")} ${msg("server.batches.file.columnsHint")}` };

  const columns = columnsOf(header.cells);
  if (!columns.ok) return columns;

  if (data.length === 0) return { ok: false, message: msg("server.batches.file.noRows") };
  if (data.length > maxBatchRows) return { ok: false, message: msg("server.batches.file.tooManyRows", { rows: data.length, max: maxBatchRows }) };

  const rows = data.map(({ line, cells }): ParsedRow => {
    const cell = (column: BatchColumn) => {
      const index = columns.index[column];
      return index === undefined ? "" : (cells[index] ?? "").trim();
    };
    const raw = { wallet: cell("wallet"), phone: cell("phone"), amount: cell("amount"), note: cell("note") };
    const recipient = cell("recipient");
    const { value, problems } = recipient === "" ? validateTrimmed(raw) : { value: null, problems: {} };
    // Cells past the header are usually a value split at an unquoted separator ("Rp 50,000" → "Rp 50" + "000").
    // Trailing empty ones are only a stray separator at the end of the line and are harmless. A workbook's
    // cells are never split, so a value beside the header's last column is the user's own and is ignored.
    const fields = lastFilledIndex(cells) + 1;
    if (delimiter && fields > header.cells.length) {
      const row = msg(delimiter === ";" ? "server.batches.row.fieldCountSemicolon" : "server.batches.row.fieldCountComma", { fields, columns: header.cells.length });
      return { line, raw, value: null, problems: { ...problems, row } };
    }
    if (recipient !== "") return { line, raw, value, problems, recipient };
    return { line, raw, value, problems };
  });

  return { ok: true, rows };
}

/** One row edited inline in the UI: the same checks as a row of the file. */
export function validateBatchRow(raw: BatchRowRaw): Pick<ParsedRow, "value" | "problems"> {
  return validateTrimmed({ wallet: raw.wallet.trim(), phone: raw.phone.trim(), amount: raw.amount.trim(), note: raw.note.trim() });
}

/**
 * Rows that repeat an earlier row's wallet, phone and amount, compared after normalization ("0812…" and
 * "+62 812…" are one phone, "50.000" and "50000" one amount). Index in `rows` → index of the first such row.
 * Rows without a value are left out: their duplicates show once they are fixed.
 */
export function findDuplicates(rows: ReadonlyArray<{ value: ParsedRow["value"] }>): Map<number, number> {
  const firstOf = new Map<string, number>();
  const duplicates = new Map<number, number>();
  rows.forEach(({ value }, index) => {
    if (!value) return;
    const key = `${value.wallet}|${value.phone}|${value.amount}`;
    const first = firstOf.get(key);
    if (first === undefined) firstOf.set(key, index);
    else duplicates.set(index, first);
  });
  return duplicates;
}

/**
 * The header decides the delimiter: its names contain neither character, while data may contain both
 * ("Rp 50,000" in a semicolon file, a note with a semicolon in a comma file), which can mislead a guess
 * made from the data. Excel writes semicolons where the decimal separator is a comma, as in Indonesia.
 */
function delimiterOf(text: string): "," | ";" {
  const firstLine = /^.*[^\s,;"].*$/m.exec(text)?.[0] ?? "";
  const count = (character: string) => firstLine.split(character).length - 1;
  return count(";") > count(",") ? ";" : ",";
}

function columnsOf(cells: readonly string[]): { ok: true; index: Partial<Record<BatchColumn, number>> } | { ok: false; message: string } {
  const index: Partial<Record<BatchColumn, number>> = {};
  const found: string[] = [];
  for (const [position, cell] of cells.entries()) {
    // Papaparse removes quotes around a whole cell, but not when spaces sit outside them.
    const name = cell.trim().replace(/^"(.*)"$/, "$1").trim();
    if (name === "") continue;
    found.push(name);
    const column = columnByName.get(headerName(name));
    if (!column) continue; // Other columns (a name, an employee id) are the user's own and are ignored.
    if (index[column] !== undefined) {
      return { ok: false, message: msg("server.batches.file.columnTwice", { column }) };
    }
    index[column] = position;
  }
  // Rows that name a saved recipient take its wallet, phone and amount.
  const missing = index.recipient !== undefined ? [] : requiredColumns.filter((column) => index[column] === undefined);
  if (missing.length === 0) return { ok: true, index };
  // Excel's "Text (Tab delimited)" looks like a CSV in the file picker.
  const sentences = [
    msg("server.batches.file.columnsHint"),
    found.length > 0 ? msg("server.batches.file.missing", { missing: missing.join(", "), found: found.join(", ") }) : msg("server.batches.file.missingNoneFound", { missing: missing.join(", ") }),
    ...(found.some((name) => name.includes("\t")) ? [msg("server.batches.file.tabs")] : []),
  ];
  return { ok: false, message: sentences.join(" ") };
}

function quoteMessage(error: Papa.ParseError, text: string): string {
  // error.index is where the troublesome quoted value starts.
  const line = 1 + countLineBreaks(text.slice(0, Math.max(0, error.index ?? 0)));
  if (error.code === "InvalidQuotes") {
    return msg("server.batches.file.quoteAfter", { line });
  }
  return msg("server.batches.file.quoteOpen", { line });
}

/** Line breaks in a text: a CSV row spans one line plus one per break inside its quoted cells (also the recipients import's). */
export function countLineBreaks(text: string): number {
  let breaks = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) breaks++;
  return breaks;
}

/** The last cell with something in it: cells past the header's are a value split at an unquoted separator. */
export function lastFilledIndex(cells: readonly string[]): number {
  for (let index = cells.length - 1; index >= 0; index--) if (cells[index]?.trim() !== "") return index;
  return -1;
}

/** A row's note becomes its transfer's memo: the memo's rules (lib/transfers/schemas.ts), characters as people count them. */
const noteField = z
  .string()
  .refine((v) => [...v].length <= maxMemoLength, { error: () => msg("server.batches.row.noteTooLong", { max: maxMemoLength }) })
  .refine((v) => !unsafeCharacters.test(v), { error: () => msg("server.batches.row.noteControl") });

/** Excel shows long numbers as "6,28123E+12" and writes that to the CSV: the digits are gone, say how to get them back. */
const scientificNumber = /^\d+(?:[.,]\d+)?e\+?\d+$/i;

function validateTrimmed(raw: BatchRowRaw): Pick<ParsedRow, "value" | "problems"> {
  const problems: BatchRowProblems = {};

  // "GoPay", "Go-Pay", "shopee pay" → the enum value.
  const wallet = walletField.safeParse(raw.wallet.replace(/[\s_-]/g, "").toUpperCase());
  if (!wallet.success) {
    problems.wallet = raw.wallet === "" ? msg("server.batches.row.walletMissing") : msg("server.batches.row.walletUnknown", { wallet: raw.wallet });
  }

  const phone = scientificNumber.test(raw.phone) ? null : phoneField.safeParse(raw.phone);
  if (!phone) {
    problems.phone = msg("server.batches.row.phoneScientific", { phone: raw.phone });
  } else if (!phone.success) problems.phone = firstMessage(phone.error);

  const amount = amountField.safeParse(raw.amount);
  if (!amount.success) problems.amount = firstMessage(amount.error);

  const note = noteField.safeParse(raw.note);
  if (!note.success) problems.note = firstMessage(note.error);

  if (wallet.success && phone?.success && amount.success && note.success) {
    return { value: { wallet: wallet.data, phone: phone.data, amount: amount.data, note: note.data === "" ? null : note.data }, problems };
  }
  return { value: null, problems };
}

function firstMessage(error: z.ZodError): string {
  return error.issues[0]?.message ?? "This value is not valid";
}
