import { parentPort } from "node:worker_threads";
import { readBatchUpload } from "@/lib/spreadsheet/batch-upload";

/**
 * The worker thread that reads one uploaded file (started by parse-off-thread.ts): it receives the file's
 * bytes and name and answers with what readBatchUpload makes of them (a CSV file or an Excel workbook).
 * Pure code only: no database, no server-only modules.
 */
export type ParseRequest = { bytes: Uint8Array; fileName: string };

parentPort?.once("message", async ({ bytes, fileName }: ParseRequest) => {
  parentPort?.postMessage(await readBatchUpload(bytes, { fileName }));
});
