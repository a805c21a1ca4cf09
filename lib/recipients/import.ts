import "server-only";
import { and, count, eq, gt, inArray, isNull } from "drizzle-orm";
import Papa from "papaparse";
import { z } from "zod";
import { first, type DbOrTx } from "@/db/client";
import { inquiries, recipients, type Inquiry, type InquiryPurpose } from "@/db/schema";
import type { PersonContext } from "@/lib/actor";
import { recordAuditAtMostEvery, recordAuditMany } from "@/lib/audit/record";
import { pool } from "@/lib/concurrency";
import { currentLocale } from "@/lib/i18n/current";
import { msg } from "@/lib/i18n/translate";
import { fail, ok, type ActionResult } from "@/lib/result";
import type { TransferDeps } from "@/lib/transfers/deps";
import { countedLookUp } from "@/lib/transfers/inquiry";
import { getLimits } from "@/lib/transfers/settings";
import { walletLabel } from "@/lib/transfers/wallets";
import { countLineBreaks, lastFilledIndex } from "@/lib/batches/parse";
import { labelKey, recipientFields, type RecipientInput } from "./schemas";
import { probeAmount } from "./service";

/**
 * Importing recipients from a CSV file (docs/recipients.md#import): all or nothing. Every line is checked first (the
 * form's rules, repeats inside the file, labels and numbers already in use), then every wallet is looked up; a single
 * problem anywhere saves nothing and lists every line that has one. Messages are in the importer's language: they are
 * answered, not stored.
 */

export const maxImportRows = 500;
/** 500 recipients take a few dozen kilobytes; anything near this is not a recipients file. */
export const maxImportBytes = 1024 * 1024;

/** Look-ups at once: enough to import 500 recipients in well under a minute, few enough to stay clear of Cash In's rate limit. */
const lookUpConcurrency = 4;

const importColumns = ["label", "wallet", "phone", "phoneLocal", "amount", "memo"] as const;
type ImportColumn = (typeof importColumns)[number];
const requiredColumns = ["label", "wallet", "phone"] as const satisfies readonly ImportColumn[];

/**
 * The names a header may give each column, compared in lower case with spaces, dashes and underscores alike: the
 * batch template's (`wallet`/`dompet`, `phone`/`nomor_hp`, `amount`/`nominal`) and this page's export's in either
 * language (messages `exports.recipients.columns`), so an exported file imports as it is. The local phone format is
 * read only when the phone column lost its digits (an export opened and saved in Excel: `6,28123E+12`). Other columns
 * (the owner's name, last paid) are ignored.
 */
export const importColumnNames: Record<ImportColumn, readonly string[]> = {
  label: ["label"],
  wallet: ["wallet", "dompet"],
  phone: ["phone", "nomor_hp"],
  phoneLocal: ["phone_local", "nomor_hp_lokal"],
  amount: ["amount", "nominal", "default_amount", "nominal_default"],
  memo: ["memo", "default_memo", "memo_default"],
};
/** How the refusal names a missing column to an Indonesian or English reader: the first name is the English one. */
const indonesianName: Partial<Record<ImportColumn, string>> = { wallet: "dompet", phone: "nomor_hp" };
const columnByName = new Map(importColumns.flatMap((column) => importColumnNames[column].map((name) => [name, column] as const)));
const headerName = (name: string) => name.trim().replace(/^"(.*)"$/, "$1").trim().toLowerCase().replace(/[\s_-]+/g, "_");

/** The upload form's one field: a file, present and at most `maxImportBytes` (its content is read below). */
export const importRecipientsSchema = z.instanceof(FormData, { error: () => msg("server.recipients.import.chooseFile") }).transform((form, ctx) => {
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) {
    ctx.addIssue({ code: "custom", path: ["file"], message: msg(file instanceof File ? "server.recipients.import.emptyFile" : "server.recipients.import.chooseFile") });
    return z.NEVER;
  }
  if (file.size > maxImportBytes) {
    ctx.addIssue({ code: "custom", path: ["file"], message: msg("server.recipients.import.tooLarge", { max: maxImportRows }) });
    return z.NEVER;
  }
  return file;
});

/** One recipient of the file, with its 1-based physical line (the header is line 1), as a spreadsheet or editor numbers it. */
type ImportRow = { line: number; input: RecipientInput };
type Line = { line: number; cells: string[] };
type Refusal = { ok: false; message: string };

/** What a file says, or why it cannot be read as recipients at all. Every line's own problems are listed, not just the first. */
type ReadImport = { ok: true; rows: ImportRow[]; problems: Problems } | Refusal;

function readImportFile(bytes: Uint8Array): ReadImport {
  // A workbook is a zip file: say what to do rather than "not UTF-8".
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return { ok: false, message: msg("server.recipients.import.workbook") };
  let text: string;
  try {
    // fatal: a Latin-1 or UTF-16 file is refused instead of decoded into �; a leading byte-order mark is dropped.
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: msg("server.batches.file.notUtf8") };
  }
  if (text.trim() === "") return { ok: false, message: msg("server.recipients.import.emptyFile") };
  return readImportCsv(text);
}

function readImportCsv(input: string): ReadImport {
  const lines = csvLines(input);
  if (!lines.ok) return lines;
  const [header, ...data] = lines.lines;
  const columns = columnsOf(header?.cells ?? []);
  if (!columns.ok) return columns;
  if (data.length === 0) return { ok: false, message: msg("server.recipients.import.empty") };
  if (data.length > maxImportRows) return { ok: false, message: msg("server.recipients.import.tooMany", { rows: data.length, max: maxImportRows }) };

  const rows: ImportRow[] = [];
  const problems: Problems = new Map();
  const keys: LineKeys[] = [];
  for (const { line, cells } of data) {
    const cell = (column: ImportColumn) => {
      const index = columns.index[column];
      return index === undefined ? "" : (cells[index] ?? "").trim();
    };
    // Excel shows a long number as "6,28123E+12" and saves it so: the export's local format keeps the digits.
    const phone = scientificNumber.test(cell("phone")) && cell("phoneLocal") !== "" ? cell("phoneLocal") : cell("phone");
    const checked = checkRow({ label: cell("label"), wallet: cell("wallet"), phone, amount: cell("amount"), memo: cell("memo") });
    // Cells past the header's are a value split at an unquoted separator ("Gaji, Juni" → "Gaji" + " Juni").
    const fields = lastFilledIndex(cells) + 1;
    if (fields > header!.cells.length) {
      checked.problems.push(
        msg(lines.delimiter === ";" ? "server.batches.row.fieldCountSemicolon" : "server.batches.row.fieldCountComma", { fields, columns: header!.cells.length }),
      );
    }
    keys.push({ line, ...checked.keys });
    if (checked.problems.length > 0) problems.set(line, checked.problems);
    else rows.push({ line, input: checked.input! });
  }
  addProblems(problems, repeatsInFile(keys));
  return { ok: true, rows, problems };
}

/** Text → the file's non-blank lines as cells; the header decides the separator, as in a batch file (lib/batches/parse.ts). */
function csvLines(input: string): { ok: true; lines: Line[]; delimiter: "," | ";" } | Refusal {
  const text = input.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const firstLine = /^.*[^\s,;"].*$/m.exec(text)?.[0] ?? "";
  const delimiter = firstLine.split(";").length > firstLine.split(",").length ? ";" : ",";
  const parsed = Papa.parse<string[]>(text, { delimiter, newline: "\n", header: false, skipEmptyLines: false });
  const quoteError = parsed.errors.find((error) => error.type === "Quotes");
  if (quoteError) {
    const line = 1 + countLineBreaks(text.slice(0, Math.max(0, quoteError.index ?? 0)));
    return { ok: false, message: msg(quoteError.code === "InvalidQuotes" ? "server.batches.file.quoteAfter" : "server.batches.file.quoteOpen", { line }) };
  }
  const lines: Line[] = [];
  let next = 1;
  for (const cells of parsed.data) {
    if (cells.some((cell) => cell.trim() !== "")) lines.push({ line: next, cells });
    next += 1 + cells.reduce((breaks, cell) => breaks + countLineBreaks(cell), 0);
  }
  return { ok: true, lines, delimiter };
}

function columnsOf(cells: readonly string[]): { ok: true; index: Partial<Record<ImportColumn, number>> } | Refusal {
  const index: Partial<Record<ImportColumn, number>> = {};
  for (const [position, cell] of cells.entries()) {
    const column = columnByName.get(headerName(cell));
    if (!column) continue;
    if (index[column] !== undefined) return { ok: false, message: msg("server.batches.file.columnTwice", { column: cell.trim() }) };
    index[column] = position;
  }
  const missing = requiredColumns.filter((column) => index[column] === undefined);
  if (missing.length === 0) return { ok: true, index };
  const named = (column: ImportColumn) => (currentLocale() === "id" ? (indonesianName[column] ?? column) : column);
  return { ok: false, message: msg("server.recipients.import.columns", { missing: missing.map(named).join(", ") }) };
}

/** Excel shows long numbers as "6,28123E+12" and saves that: the digits are gone. */
const scientificNumber = /^\d+(?:[.,]\d+)?e\+?\d+$/i;

/** What makes a line a repeat of another: its label (compared in any case) and its wallet and number, each when it is valid. */
type LineKeys = { line: number; label?: string; number?: string };

/** One line held to the New recipient form's rules (recipientFields), with the batch file's words for a wallet or number a spreadsheet spoiled. */
function checkRow(raw: Record<Exclude<ImportColumn, "phoneLocal">, string>): { input?: RecipientInput; problems: string[]; keys: Omit<LineKeys, "line"> } {
  // "GoPay", "Go-Pay", "shopee pay" → the enum value, as in a batch file.
  const wallet = raw.wallet.replace(/[\s_-]/g, "").toUpperCase();
  const parsed = recipientFields.safeParse({ label: raw.label, wallet, phone: raw.phone, defaultAmount: raw.amount, defaultMemo: raw.memo });
  // A line with other problems still repeats another's label or number: both are listed at once.
  const label = recipientFields.shape.label.safeParse(raw.label);
  const phone = recipientFields.shape.phone.safeParse(raw.phone);
  const keys = {
    label: label.success ? label.data : undefined,
    number: phone.success && wallet in walletLabel ? `${wallet}|${phone.data}` : undefined,
  };
  if (parsed.success && !scientificNumber.test(raw.phone)) return { input: parsed.data, problems: [], keys };
  const problems: string[] = [];
  for (const field of ["label", "wallet", "phone", "defaultAmount", "defaultMemo"] as const) {
    if (field === "wallet" && !(wallet in walletLabel)) {
      problems.push(raw.wallet === "" ? msg("server.batches.row.walletMissing") : msg("server.batches.row.walletUnknown", { wallet: raw.wallet }));
    } else if (field === "phone" && scientificNumber.test(raw.phone)) {
      problems.push(msg("server.batches.row.phoneScientific", { phone: raw.phone }));
    } else {
      const issue = parsed.error?.issues.find((i) => i.path[0] === field);
      if (issue) problems.push(issue.message);
    }
  }
  return { problems, keys };
}

type Problems = Map<number, string[]>;

function addProblems(to: Problems, from: Problems) {
  for (const [line, problems] of from) to.set(line, [...(to.get(line) ?? []), ...problems]);
}

/** A label (in any case) or a wallet and number that an earlier line of the file already has: line → its problems. */
function repeatsInFile(lines: readonly LineKeys[]): Problems {
  const labels = new Map<string, number>();
  const numbers = new Map<string, number>();
  const repeats: Problems = new Map();
  for (const { line, label, number } of lines) {
    const key = label === undefined ? undefined : labelKey(label);
    const sameLabel = key === undefined ? undefined : labels.get(key);
    const sameNumber = number === undefined ? undefined : numbers.get(number);
    const problems = [
      ...(sameLabel === undefined ? [] : [msg("server.recipients.import.labelTwice", { label: label!, other: sameLabel })]),
      ...(sameNumber === undefined ? [] : [msg("server.recipients.import.walletTwice", { other: sameNumber })]),
    ];
    if (problems.length > 0) repeats.set(line, problems);
    if (key !== undefined && sameLabel === undefined) labels.set(key, line);
    if (number !== undefined && sameNumber === undefined) numbers.set(number, line);
  }
  return repeats;
}

/** Lines whose label or number a recipient in use already has (as saving one by one refuses them). */
async function takenInUse(db: DbOrTx, rows: readonly ImportRow[]): Promise<Problems> {
  const inUse = await db.select({ label: recipients.label, wallet: recipients.wallet, phone: recipients.phone }).from(recipients).where(isNull(recipients.archivedAt));
  const byLabel = new Map(inUse.map((r) => [labelKey(r.label), r.label]));
  const byNumber = new Map(inUse.map((r) => [`${r.wallet}|${r.phone}`, r.label]));
  const taken: Problems = new Map();
  for (const { line, input } of rows) {
    const label = byLabel.get(labelKey(input.label));
    const number = byNumber.get(`${input.wallet}|${input.phone}`);
    const problems = [
      ...(label === undefined ? [] : [msg("server.recipients.labelTaken", { label })]),
      ...(number === undefined ? [] : [msg("server.recipients.walletTaken", { wallet: walletLabel[input.wallet], label: number })]),
    ];
    if (problems.length > 0) taken.set(line, problems);
  }
  return taken;
}

/** Nothing saved: every problem of every line, in file order, as the upload dialog lists them. */
function refused(problems: Problems): ActionResult<never> {
  const lines = [...problems.entries()].sort(([a], [b]) => a - b);
  const listed = lines.flatMap(([line, found]) => found.map((problem) => msg("server.recipients.import.line", { line, problem })));
  return fail("invalid", msg("server.recipients.import.refused", { count: lines.length }), { file: listed });
}

const hourMs = 60 * 60_000;
/** The look-ups counted against a person's look-ups per hour (lib/transfers/inquiry.ts): New transfer's and saved recipients'. */
const countedPurposes: InquiryPurpose[] = ["transfer", "recipient"];

/**
 * The import's look-ups are a person's own, counted like saving one recipient at a time (docs/limits.md#look-ups-per-person-per-hour):
 * a file that does not fit in what is left of the hour is refused before anything is asked of Cash In. Each look-up is
 * still counted and started in one transaction (countedLookUp), so one made meanwhile elsewhere cannot take the count
 * past the limit: that line then fails like a wallet Cash In does not know.
 */
async function refuseOverLookUps(deps: Pick<TransferDeps, "db" | "now">, { actor, ip }: PersonContext, rows: number): Promise<ActionResult<never> | null> {
  const now = deps.now();
  return deps.db.transaction(
    async (tx) => {
      const limit = (await getLimits(tx)).lookUpsPerHour;
      const made =
        (
          await first(
            tx
              .select({ n: count() })
              .from(inquiries)
              .where(and(eq(inquiries.userId, actor.id), gt(inquiries.createdAt, new Date(now.getTime() - hourMs)), inArray(inquiries.purpose, countedPurposes))),
          )
        )?.n ?? 0;
      const left = Math.max(0, limit - made);
      if (rows <= left) return null;
      await recordAuditAtMostEvery(tx, 60_000, { actor, action: "inquiry.rate_limited", target: { type: "limit", id: "lookUpsPerHour" }, after: { made, limit, rows, import: true }, ip, at: now });
      const message =
        rows > limit ? msg("server.recipients.import.overLookUpLimit", { rows, limit }) : msg("server.recipients.import.lookUpsLeft", { rows, left, limit });
      return fail("forbidden", message, { file: [message] });
    },
  );
}

/**
 * Imports a file of recipients, all or none. Refused as a whole, listing every line that has a problem, when any line
 * is invalid or repeats another line or a recipient in use, and when any wallet's look-up fails; otherwise every
 * recipient is saved in one transaction with its look-up's owner name, and audited one by one.
 */
export async function importRecipients(deps: TransferDeps, ctx: PersonContext, file: File): Promise<ActionResult<{ imported: number }>> {
  const read = readImportFile(new Uint8Array(await file.arrayBuffer()));
  if (!read.ok) return fail("invalid", read.message, { file: [read.message] });
  const problems: Problems = new Map(read.problems);
  addProblems(problems, await takenInUse(deps.db, read.rows));
  if (problems.size > 0) return refused(problems);

  const overLimit = await refuseOverLookUps(deps, ctx, read.rows.length);
  if (overLimit) return overLimit;
  const found = new Map<number, Inquiry & { ownerName: string }>();
  await pool(read.rows, lookUpConcurrency, async ({ line, input }) => {
    const looked = await countedLookUp(deps, ctx, { wallet: input.wallet, phone: input.phone, amount: input.defaultAmount ?? probeAmount }, "recipient");
    if (looked.ok) found.set(line, looked.data);
    else problems.set(line, [looked.message]);
  });
  if (problems.size > 0) return refused(problems);

  const now = deps.now();
  const fileName = file.name.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, "").slice(0, 120);
  return deps.db.transaction(
    async (tx) => {
      // Checked again inside: someone may have saved one of these labels or numbers during the look-ups.
      const meanwhile = await takenInUse(tx, read.rows);
      if (meanwhile.size > 0) return refused(meanwhile);
      const saved = await tx
        .insert(recipients)
        .values(
          read.rows.map(({ line, input }) => {
            const inquiry = found.get(line)!;
            return { ...input, labelKey: labelKey(input.label), ownerName: inquiry.ownerName, inquiryId: inquiry.id, verifiedAt: now, createdBy: ctx.actor.id, createdAt: now, updatedAt: now };
          }),
        )
        .returning();
      // RETURNING promises no order: each saved row finds its line by its wallet and number, unique in the file.
      const lineOf = new Map(read.rows.map(({ line, input }) => [`${input.wallet}|${input.phone}`, line]));
      await recordAuditMany(
        tx,
        saved.map((recipient) => ({
          actor: ctx.actor,
          action: "recipient.import",
          target: { type: "recipient", id: recipient.id },
          after: {
            label: recipient.label,
            wallet: recipient.wallet,
            phone: recipient.phone,
            ownerName: recipient.ownerName,
            defaultAmount: recipient.defaultAmount,
            defaultMemo: recipient.defaultMemo,
            fileName,
            line: lineOf.get(`${recipient.wallet}|${recipient.phone}`),
          },
          ip: ctx.ip,
          at: now,
        })),
      );
      return ok({ imported: saved.length }, msg("server.recipients.import.imported", { count: saved.length }));
    },
  );
}

