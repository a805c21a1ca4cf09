import { formatSortableDateTime } from "@/lib/format";

/** The two files an export comes as: `?format=xlsx` asks for the Excel workbook, anything else gets the CSV. */
export type ExportFormat = "csv" | "xlsx";

export function exportFormat(params: URLSearchParams): ExportFormat {
  return params.get("format") === "xlsx" ? "xlsx" : "csv";
}

export const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const contentType: Record<ExportFormat, string> = { csv: "text/csv; charset=utf-8", xlsx: xlsxContentType };

/** A download named `<name>-YYYYMMDD-HHmm.<csv|xlsx>` in Jakarta time, like every date the finance team reads. */
export function exportDownload(body: ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer>, name: string, format: ExportFormat, now = new Date()): Response {
  const stamp = formatSortableDateTime(now).slice(0, 16).replace(/[-:]/g, "").replace(" ", "-");
  return new Response(body, {
    headers: {
      "Content-Type": contentType[format],
      "Content-Disposition": `attachment; filename="${name}-${stamp}.${format}"`,
      "Cache-Control": "no-store",
    },
  });
}
