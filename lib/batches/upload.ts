import type { PersonContext } from "@/lib/actor";
import "server-only";
import { currentLocale } from "@/lib/i18n/current";
import { storedText } from "@/lib/i18n/stored";
import { fail, type ActionResult } from "@/lib/result";
import type { TransferDeps } from "@/lib/transfers/deps";
import { parseBatchFileOffThread } from "./parse-off-thread";
import { createBatch } from "./rows";

/** File names are shown back to people: keep them short and printable. */
function displayName(name: string): string {
  const clean = name.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, "").trim();
  return (clean || "upload.csv").slice(0, 120);
}

/**
 * An uploaded file, CSV or Excel workbook, becomes a new batch: read in a worker thread (a 5 MB file must not
 * stall other requests), then stored with its rows, checking. A file that cannot be read is refused as a whole, in
 * the uploader's language (the action's, lib/i18n/current.ts): a workbook's refusals are worded so; the worker reads
 * a CSV in English, and its refusal is read back in that language (lib/i18n/stored.ts).
 */
export async function uploadBatchFile(deps: Pick<TransferDeps, "db" | "now">, ctx: PersonContext, file: File): Promise<ActionResult<{ batchId: number; reference: string }>> {
  const parsed = await parseBatchFileOffThread(new Uint8Array(await file.arrayBuffer()), { fileName: file.name, locale: currentLocale() });
  if (!parsed.ok) {
    const message = storedText(parsed.message, currentLocale());
    return fail("invalid", message, { file: [message] });
  }
  return createBatch(deps, ctx, { fileName: displayName(file.name), rows: parsed.rows });
}
