"use server";

import { anyone, authorizedAction, managers } from "@/lib/auth/action";
import { cancelBatch, rejectBatch } from "@/lib/batches/decide";
import { removeRows } from "@/lib/batches/rows";
import {
  approveBatchSchema,
  cancelBatchSchema,
  editRowSchema,
  rejectBatchSchema,
  removeRowsSchema,
  resumeBatchSchema,
  submitBatchSchema,
  uploadSchema,
} from "@/lib/batches/schemas";
import { batchCommands, transferDeps } from "@/lib/runtime";

const revalidate = ["/", "/batches", "/transfers", "/approvals"] as const;

/** Upload: the file becomes a batch whose rows are looked up at once. */
export const uploadBatchAction = authorizedAction({ name: "batch.upload", roles: anyone, schema: uploadSchema, revalidate }, (file, { user, ip }) =>
  batchCommands.upload({ actor: user, ip }, file),
);

export const editBatchRowAction = authorizedAction({ name: "batch.row.edit", roles: anyone, schema: editRowSchema, revalidate }, (input, { user, ip }) =>
  batchCommands.editRow({ actor: user, ip }, input),
);

export const removeBatchRowsAction = authorizedAction({ name: "batch.row.remove", roles: anyone, schema: removeRowsSchema, revalidate }, (input, { user, ip }) =>
  removeRows(transferDeps(), { actor: user, ip }, input),
);

export const submitBatchAction = authorizedAction({ name: "batch.submit", roles: anyone, schema: submitBatchSchema, revalidate }, (input, { user, ip }) =>
  batchCommands.submit({ actor: user, ip }, input),
);

/** Approve: sends the batch, or first looks up again the wallets whose look-up is older than 15 minutes. */
export const approveBatchAction = authorizedAction(
  { name: "batch.approve", roles: managers, stepUp: true, schema: approveBatchSchema, revalidate, auditInvalid: true },
  (input, { user, ip }) => batchCommands.approve({ actor: user, ip }, input),
);

export const rejectBatchAction = authorizedAction({ name: "batch.reject", roles: managers, stepUp: true, schema: rejectBatchSchema, revalidate }, (input, { user, ip }) =>
  rejectBatch(transferDeps(), { actor: user, ip }, input),
);

export const cancelBatchAction = authorizedAction({ name: "batch.cancel", roles: anyone, schema: cancelBatchSchema, revalidate }, (input, { user, ip }) =>
  cancelBatch(transferDeps(), { actor: user, ip }, input),
);

/** A batch paused after a long stop (a crash): its approver or another manager confirms that the rest is sent. */
export const resumeBatchAction = authorizedAction({ name: "batch.resume", roles: anyone, schema: resumeBatchSchema, revalidate }, (input, { user, ip }) =>
  batchCommands.resume({ actor: user, ip }, input),
);
