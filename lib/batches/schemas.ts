import { z } from "zod";
import { idOf, reasonField } from "@/lib/transfers/schemas";
import { maxBatchBytes } from "./parse";

/** The batch actions' inputs; shared by the forms and the server actions (no server-only imports). */

const batchIdField = idOf("batch");

const cell = (name: string, max: number) => z.string({ error: `Enter the ${name}` }).max(max, `The ${name} is at most ${max} characters`);

/** The row as typed in the inline editor; validated like a row of the file by lib/batches/parse.ts. */
export const editRowSchema = z.object({
  batchId: batchIdField,
  rowId: idOf("row"),
  wallet: cell("e-wallet", 40),
  phone: cell("phone number", 40),
  amount: cell("amount", 40),
  note: cell("note", 200).default(""),
});
export type EditRowInput = z.input<typeof editRowSchema>;

export const removeRowsSchema = z.object({
  batchId: batchIdField,
  rowIds: z.array(idOf("row")).min(1, "Choose the rows to remove").max(10_000),
});

/** How many flagged rows a person saw and ticked: a count that no longer matches is refused (a payment came in between). */
const shownCount = z.number().int().min(0).max(10_000).optional();

export const submitBatchSchema = z.object({ batchId: batchIdField, acceptDuplicates: z.boolean().default(false), duplicatesShown: shownCount });
export const approveBatchSchema = z.object({
  batchId: batchIdField,
  /** How many changed owner names the approver acknowledged. */
  acknowledgedDrift: shownCount,
  /** How many rows flagged as possible repeats the approver checked. */
  duplicatesChecked: shownCount,
});
export const resumeBatchSchema = z.object({ batchId: batchIdField });

export const rejectBatchSchema = z.object({ batchId: batchIdField, reason: reasonField });
export const cancelBatchSchema = z.object({ batchId: batchIdField, reason: reasonField.optional() });

/** The upload form's one field: a CSV file, present and at most 5 MB (its content is read by lib/batches/upload.ts). */
export const uploadSchema = z.instanceof(FormData, { error: "Choose a CSV file to upload" }).transform((form, ctx) => {
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
