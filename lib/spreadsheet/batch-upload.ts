import { parseBatchFile, parseBatchLines, sizeRefusal, type ParseResult } from "@/lib/batches/parse";
import { readWorkbookUpload, type SpreadsheetProblem } from "./xlsx-read";

/** A refusal that belongs to workbooks, worded later in the uploader's language (the worker knows none). */
export type UploadRead = ParseResult | { ok: false; problem: SpreadsheetProblem };

/**
 * An uploaded batch file → rows, whatever it is: an Excel workbook (told by its content, not its name) is read
 * into rows of cells, a CSV file decoded and split; then both go through the same header and row checks
 * (parseBatchLines). The size limit holds for both. Runs in the upload's worker thread (parse-worker.ts).
 */
export async function readBatchUpload(bytes: Uint8Array, { fileName = "" }: { fileName?: string } = {}): Promise<UploadRead> {
  const size = sizeRefusal(bytes);
  if (size) return { ok: false, message: size };
  const workbook = await readWorkbookUpload(bytes, fileName);
  if (!workbook) return parseBatchFile(bytes);
  return workbook.ok ? parseBatchLines(workbook.lines) : workbook;
}
