import { formatSortableDateTime } from "@/lib/format";

/**
 * One CSV cell (RFC 4180 quoting). Text that a spreadsheet would run as a formula (= + - @, tab, CR)
 * gets a leading apostrophe: names and reasons are typed by people (OWASP "CSV injection").
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvLine(cells: readonly (string | number | null)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/** The byte-order mark makes Excel read names as UTF-8. */
export const csvBom = "\uFEFF";

/** CSV chunks as a byte stream that produces the next chunk only when the client has taken the previous one. */
export function csvStream(chunks: Generator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      cancel() {
        chunks.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

/** A CSV download named `<name>-YYYYMMDD-HHmm.csv` in Jakarta time, like every date the finance team reads. */
export function csvDownload(body: ReadableStream<Uint8Array>, name: string, now = new Date()): Response {
  const stamp = formatSortableDateTime(now).slice(0, 16).replace(/[-:]/g, "").replace(" ", "-");
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}-${stamp}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
