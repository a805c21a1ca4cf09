import { z } from "zod";
import { formatFor } from "@/lib/format";
import { currentLocale } from "@/lib/i18n/current";
import { msg } from "@/lib/i18n/translate";
import { idOf, reasonField } from "@/lib/transfers/schemas";
import { maxBatchBytes } from "./parse";
import { sendAtFromText } from "./send-at";

/**
 * The batch actions' inputs; shared by the forms and the server actions (no server-only imports). Messages are worded
 * when a value is checked: in the page's language in the browser, the requester's in an action.
 */

const batchIdField = idOf("batch");

const cell = (name: "wallet" | "phone" | "amount" | "note", max: number) =>
  z
    .string({ error: () => msg(`server.batches.cell.${name}.missing`) })
    .max(max, { error: () => msg(`server.batches.cell.${name}.tooLong`, { max: formatFor(currentLocale()).number(max) }) });

/** The row as typed in the inline editor; validated like a row of the file by lib/batches/parse.ts. */
export const editRowSchema = z.object({
  batchId: batchIdField,
  rowId: idOf("row"),
  wallet: cell("wallet", 40),
  phone: cell("phone", 40),
  amount: cell("amount", 40),
  note: cell("note", 400).default(""),
});
export type EditRowInput = z.input<typeof editRowSchema>;

export const removeRowsSchema = z.object({
  batchId: batchIdField,
  rowIds: z.array(idOf("row")).min(1, { error: () => msg("server.batches.chooseRowsToRemove") }).max(10_000),
});

/** How many flagged rows a person saw and ticked: a count that no longer matches is refused (a payment came in between). */
const shownCount = z.number().int().min(0).max(10_000).optional();

/**
 * "Send on": an optional day (`dd/mm/yyyy`) and time (`HH.MM`) in WIB, both or neither (docs/batches.md#scheduled-batches).
 * Their shape is checked here; whether the time is allowed (not past, at most 30 days ahead) is checked at submit.
 */
const scheduleText = z.string().max(20).optional();

export const submitBatchSchema = z
  .object({ batchId: batchIdField, acceptDuplicates: z.boolean().default(false), duplicatesShown: shownCount, sendOn: scheduleText, sendTime: scheduleText })
  .transform(({ sendOn, sendTime, ...rest }, ctx) => {
    const day = sendOn?.trim() ?? "";
    const time = sendTime?.trim() ?? "";
    if (day === "" && time === "") return { ...rest, sendAt: undefined };
    if (day === "") ctx.addIssue({ code: "custom", path: ["sendOn"], message: msg("server.batches.schedule.dayMissing") });
    if (time === "") ctx.addIssue({ code: "custom", path: ["sendTime"], message: msg("server.batches.schedule.timeMissing") });
    if (day === "" || time === "") return z.NEVER;
    const typed = sendAtFromText(day, time);
    if ("wrong" in typed) {
      ctx.addIssue({ code: "custom", path: [typed.wrong === "day" ? "sendOn" : "sendTime"], message: msg(typed.wrong === "day" ? "server.batches.schedule.dayInvalid" : "server.batches.schedule.timeInvalid") });
      return z.NEVER;
    }
    return { ...rest, sendAt: typed.at };
  });
export type SubmitBatchInput = z.input<typeof submitBatchSchema>;
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
export const uploadSchema = z.instanceof(FormData, { error: () => msg("server.batches.chooseFile") }).transform((form, ctx) => {
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) {
    ctx.addIssue({ code: "custom", path: ["file"], message: msg(file instanceof File ? "server.batches.emptyFile" : "server.batches.chooseFile") });
    return z.NEVER;
  }
  if (file.size > maxBatchBytes) {
    ctx.addIssue({ code: "custom", path: ["file"], message: msg("server.batches.fileTooLarge") });
    return z.NEVER;
  }
  return file;
});
