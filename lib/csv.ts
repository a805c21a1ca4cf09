import { exportDownload } from "@/lib/spreadsheet/download";

/**
 * A formula character (= + - @) at the start of a value or after a character a spreadsheet may split a cell
 * at (, ; tab CR LF), with spaces or quotes between. Excel set up for Indonesia splits a CSV at ";" rather
 * than ",", so in `Budi;=HYPERLINK(…)` the formula starts a cell of its own.
 */
const formulaStart = /(^|[,;\t\r\n])([ "]*)(?=[=+\-@])/g;
const splitOrQuote = /[",;\t\r\n]/;
const formulaAtStart = /^ *[=+\-@]/;

/**
 * One CSV cell (RFC 4180 quoting). Text that a spreadsheet would run as a formula gets an apostrophe before
 * each formula character that could start a cell, and before a leading tab or CR: names come from the payee
 * through the gateway, notes and reasons are typed by people (OWASP "CSV injection"). Values with ";" or a
 * tab are quoted too, so a spreadsheet that splits at either still keeps them whole.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  // Most cells have nothing to quote or defuse: without a split point, only the very start could be a formula.
  if (!splitOrQuote.test(value) && !formulaAtStart.test(value)) return value;
  const defused = value.replace(formulaStart, "$1$2'");
  const safe = /^[\t\r]/.test(defused) ? `'${defused}` : defused;
  return splitOrQuote.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvLine(cells: readonly (string | number | null)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/** The byte-order mark makes Excel read names as UTF-8. */
export const csvBom = "\uFEFF";

/** CSV chunks as a byte stream that produces the next chunk only when the client has taken the previous one. */
export function csvStream(chunks: Generator<string> | AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

/** A CSV download named `<name>-YYYYMMDD-HHmm.csv` in Jakarta time, like every date the finance team reads. */
export function csvDownload(body: ReadableStream<Uint8Array>, name: string, now = new Date()): Response {
  return exportDownload(body, name, "csv", now);
}
