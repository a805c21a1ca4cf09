import { z } from "zod";
import { msg } from "@/lib/i18n/translate";
import { amountField, idOf, memoField, phoneField, unsafeCharacters, walletField } from "@/lib/transfers/schemas";

/**
 * A saved recipient as a form or an import row sends it. Shared by the forms and the server actions: messages are
 * worded when a value is checked (lib/transfers/schemas.ts).
 */

export const maxLabelLength = 60;

/**
 * A label as it is compared: the same letters in any case, any Unicode form, are one label ("Émile", "ÉMILE",
 * "E\u0301mile"). Stored beside the label, unique among recipients in use.
 */
export function labelKey(label: string): string {
  return label.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();
}

export const labelField = z
  .string({ error: () => msg("server.recipients.label.missing") })
  .transform((label) => label.trim().replace(/\s+/g, " "))
  .refine((label) => label !== "", { error: () => msg("server.recipients.label.missing") })
  .refine((label) => [...label].length <= maxLabelLength, { error: () => msg("server.recipients.label.tooLong", { max: maxLabelLength }) })
  .refine((label) => !unsafeCharacters.test(label), { error: () => msg("server.recipients.label.characters") });

/** Empty means none; otherwise whole rupiah, as on New transfer. */
const defaultAmountField = z.union([z.literal(""), amountField]).transform((amount) => (amount === "" ? null : amount));

export const recipientFields = z.object({
  label: labelField,
  wallet: walletField,
  phone: phoneField,
  defaultAmount: defaultAmountField.optional().transform((amount) => amount ?? null),
  defaultMemo: memoField.optional().transform((memo) => memo ?? null),
});
export type RecipientInput = z.output<typeof recipientFields>;
export type RecipientForm = z.input<typeof recipientFields>;

export const recipientIdField = idOf("recipient");
export const saveRecipientSchema = recipientFields;
export const updateRecipientSchema = recipientFields.extend({ recipientId: recipientIdField });
export const archiveRecipientSchema = z.object({ recipientId: recipientIdField });
