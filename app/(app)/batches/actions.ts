"use server";

import { z } from "zod";
import { authorizedAction } from "@/lib/auth/action";
import { approveBatch, cancelBatch, confirmResume, rejectBatch } from "@/lib/batches/decide";
import { maxBatchBytes } from "@/lib/batches/parse";
import { parseBatchFileOffThread } from "@/lib/batches/parse-off-thread";
import { createBatch, editRow, removeRows } from "@/lib/batches/rows";
import { startBatch } from "@/lib/runtime";
import { approveBatchSchema, cancelBatchSchema, editRowSchema, rejectBatchSchema, removeRowsSchema, resumeBatchSchema, submitBatchSchema } from "@/lib/batches/schemas";
import { submitBatch } from "@/lib/batches/submit";
import { fail, type ActionResult } from "@/lib/result";
import { transferDeps } from "@/lib/runtime";

const anyone = ["staff", "manager", "admin"] as const;
const managers = ["manager"] as const;
const revalidate = ["/", "/batches", "/transfers", "/approvals"] as const;

const uploadSchema = z.instanceof(FormData, { error: "Choose a CSV file to upload" }).transform((form, ctx) => {
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) {
    ctx.addIssue({ code: "custom", path: ["file"], message: file instanceof File ? "The file is empty. Choose the CSV file with the transfers." : "Choose a CSV file to upload" });
    return z.NEVER;
  }
  if (file.size > maxBatchBytes) {
    ctx.addIssue({ code: "custom", path: ["file"], message: "The file is larger than 5 MB; a batch file is at most 5 MB. Split it into smaller files." });
    return z.NEVER;
  }
  return file;
});

/** File names are shown back to people: keep them short and printable. */
function displayName(name: string): string {
  const clean = name.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, "").trim();
  return (clean || "upload.csv").slice(0, 120);
}

/** Upload: the file is decoded and parsed on the server, in a worker thread; the rows are stored and their check starts at once. */
export const uploadBatchAction = authorizedAction(
  { name: "batch.upload", roles: anyone, schema: uploadSchema, revalidate },
  async (file, { user, ip }): Promise<ActionResult<{ batchId: number; reference: string }>> => {
    const parsed = await parseBatchFileOffThread(new Uint8Array(await file.arrayBuffer()));
    if (!parsed.ok) return fail("invalid", parsed.message, { file: [parsed.message] });
    const created = createBatch(transferDeps(), { actor: user, ip }, { fileName: displayName(file.name), rows: parsed.rows });
    if (created.ok) startBatch(created.data.batchId);
    return created;
  },
);

export const editBatchRowAction = authorizedAction({ name: "batch.row.edit", roles: anyone, schema: editRowSchema, revalidate }, (input, { user, ip }) => {
  const result = editRow(transferDeps(), { actor: user, ip }, input);
  if (result.ok && result.data.state === "pending") startBatch(input.batchId);
  return result;
});

export const removeBatchRowsAction = authorizedAction({ name: "batch.row.remove", roles: anyone, schema: removeRowsSchema, revalidate }, (input, { user, ip }) =>
  removeRows(transferDeps(), { actor: user, ip }, input),
);

export const submitBatchAction = authorizedAction({ name: "batch.submit", roles: anyone, schema: submitBatchSchema, revalidate }, (input, { user, ip }) => {
  const result = submitBatch(transferDeps(), { actor: user, ip }, input);
  if (result.ok && (result.data.status === "sending" || result.data.status === "checking")) startBatch(input.batchId, { actor: user, ip });
  return result;
});

/** Approve: sends the batch, or first looks up again the wallets whose look-up is older than 15 minutes. */
export const approveBatchAction = authorizedAction({ name: "batch.approve", roles: managers, schema: approveBatchSchema, revalidate, auditInvalid: true }, (input, { user, ip }) => {
  const result = approveBatch(transferDeps(), { actor: user, ip }, input);
  if (result.ok && result.data.outcome !== "name_changed") startBatch(input.batchId, { actor: user, ip });
  return result;
});

/** A batch paused after a long stop (a crash): its approver or another manager confirms that the rest is sent. */
export const resumeBatchAction = authorizedAction({ name: "batch.resume", roles: anyone, schema: resumeBatchSchema, revalidate }, (input, { user, ip }) => {
  const result = confirmResume(transferDeps(), { actor: user, ip }, input);
  if (result.ok) startBatch(input.batchId, { actor: user, ip });
  return result;
});

export const rejectBatchAction = authorizedAction({ name: "batch.reject", roles: managers, schema: rejectBatchSchema, revalidate }, (input, { user, ip }) =>
  rejectBatch(transferDeps(), { actor: user, ip }, input),
);

export const cancelBatchAction = authorizedAction({ name: "batch.cancel", roles: anyone, schema: cancelBatchSchema, revalidate }, (input, { user, ip }) =>
  cancelBatch(transferDeps(), { actor: user, ip }, input),
);
