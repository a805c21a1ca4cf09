import "server-only";
import { Worker } from "node:worker_threads";
import type { ParseResult } from "./parse";
import type { ParseRequest } from "./parse-worker";
import { currentLocale } from "@/lib/i18n/current";
import type { Locale } from "@/lib/i18n/locales";
import { log } from "@/lib/log";
import { exportsTranslator } from "@/lib/spreadsheet/labels";
import type { UploadRead } from "@/lib/spreadsheet/batch-upload";
import type { SpreadsheetProblem } from "@/lib/spreadsheet/xlsx-read";

/** A 5 MB file takes about 3 seconds to read; ten times that means the worker is stuck. */
export const parseTimeoutMs = 30_000;

/**
 * An uploaded file (CSV or Excel workbook, lib/spreadsheet/batch-upload.ts) read in a worker thread: reading a
 * 5 MB file keeps a CPU busy for seconds, and on the server's event loop that would stall every other request
 * meanwhile. One worker per upload, ended once it has answered: uploads are rare, and a worker that never outlives its file cannot carry one upload into the next.
 * The bytes are moved to the worker, not copied, so `bytes` is empty afterwards. A worker that crashes or
 * does not answer in time is logged and becomes a refusal the uploader can read, never a request left hanging.
 */
export function parseBatchFileOffThread(
  bytes: Uint8Array<ArrayBuffer>,
  { timeoutMs = parseTimeoutMs, fileName = "", locale = currentLocale() }: { timeoutMs?: number; fileName?: string; locale?: Locale } = {},
): Promise<ParseResult> {
  const size = bytes.byteLength;
  // Turbopack bundles a worker entry written exactly in this form: `new Worker(new URL("<relative path>", import.meta.url), …)`.
  const worker = new Worker(new URL("./parse-worker.ts", import.meta.url), {
    // Bundled by Next (Turbopack defines process.env.TURBOPACK) the entry is a .js chunk; from source, as under Vitest, it is
    // .ts, which Node 20 runs only through tsx's require hook (its ESM hooks do not take effect in a worker); tsx also resolves "@/…".
    execArgv: process.env.TURBOPACK ? undefined : ["--require", "tsx/cjs"],
  });
  return new Promise((resolve) => {
    let settled = false;
    const timer = setTimeout(() => giveUp(`no answer after ${timeoutMs} ms`, tooSlow), timeoutMs);
    function settle(result: ParseResult) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    }
    function giveUp(problem: string, message: string, cause?: unknown) {
      if (!settled) log().error({ sizeBytes: size, problem, ...(cause ? { err: cause } : {}) }, "[batch] reading an uploaded file failed");
      settle({ ok: false, message });
    }
    // A workbook's refusals are worded here, in the uploader's language; the worker knows no language.
    worker.once("message", (read: UploadRead) => settle("problem" in read ? { ok: false, message: spreadsheetProblemMessage(read.problem, locale) } : read));
    worker.on("error", (error) => giveUp("the worker failed", crashed, error));
    worker.once("exit", (code) => giveUp(`the worker exited with code ${code} before answering`, crashed));
    worker.postMessage({ bytes, fileName } satisfies ParseRequest, [bytes.buffer]);
  });
}

const tooSlow = "Reading the file took too long and was stopped. Try again; if it happens again, split it into smaller files.";
const crashed = "The file could not be read because of a problem on our side. Try again; if it happens again, tell an administrator.";

/** A workbook refusal (lib/spreadsheet/xlsx-read.ts) in the uploader's language (messages `exports.upload`). */
export function spreadsheetProblemMessage(problem: SpreadsheetProblem, locale: Locale): string {
  const t = exportsTranslator(locale);
  switch (problem.key) {
    case "formula":
      return t("upload.formula", { row: problem.row, column: problem.column });
    case "tooLarge":
      return t("upload.tooLarge", { megabytes: problem.megabytes });
    default:
      return t(`upload.${problem.key}`);
  }
}
