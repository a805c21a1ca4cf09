import { z } from "zod";
import { toAmountValue } from "@/lib/cashin/amount";
import { normalizePhone } from "@/lib/cashin/phone";
import { WALLETS } from "@/lib/cashin/protocol";
import { msg } from "@/lib/i18n/translate";

/**
 * Shared by the forms (react-hook-form resolver) and the server actions: no server-only imports here. Messages are
 * worded when a value is checked, not when this module loads: in the page's language in the browser, the
 * requester's in an action.
 */

export const walletField = z.enum(WALLETS, { error: () => msg("server.transfers.chooseWallet") });

/** `08…`, `+62 8…`, spaces and dashes → `628…` (docs/gateway.md#bodies). */
export const phoneField = z
  .string({ error: () => msg("server.phone.empty") })
  .max(40, { error: () => msg("server.phone.tooLong") })
  .transform((raw, ctx) => {
    const result = normalizePhone(raw);
    if (!result.ok) {
      ctx.addIssue({ code: "custom", message: result.message });
      return z.NEVER;
    }
    return result.customerNumber;
  });

/** Whole rupiah, typed with or without thousand separators: "50000", "50.000", "Rp 50.000", "50,000". */
export const amountField = z
  .union([z.string(), z.number()], { error: () => msg("server.transfers.enterAmount") })
  .transform((raw, ctx) => {
    let input: string | number = raw;
    if (typeof raw === "string") {
      const text = raw.trim().replace(/^rp\.?\s*/i, "");
      if (text === "") {
        ctx.addIssue({ code: "custom", message: msg("server.transfers.enterAmount") });
        return z.NEVER;
      }
      // Thousand separators only: groups of exactly three digits after the first.
      if (/^\d{1,3}([.,\s]\d{3})+$/.test(text)) input = text.replace(/[.,\s]/g, "");
      else if (/^\d+$/.test(text)) input = text;
      else {
        ctx.addIssue({ code: "custom", message: msg("server.transfers.wholeRupiah") });
        return z.NEVER;
      }
    }
    const result = toAmountValue(input);
    if (!result.ok) {
      ctx.addIssue({ code: "custom", message: result.message });
      return z.NEVER;
    }
    return result.rupiah;
  });

export const lookUpSchema = z.object({ wallet: walletField, phone: phoneField, amount: amountField });
export type LookUpInput = z.input<typeof lookUpSchema>;

/** The id of a row of `what` as a form or a client sends it. */
export const idOf = (what: "transfer" | "batch" | "row" | "recipient") => {
  const unknown = { error: () => msg(`server.transfers.unknown.${what}`) };
  return z.coerce.number(unknown).int(unknown).positive(unknown).max(Number.MAX_SAFE_INTEGER);
};
const idField = idOf("transfer");

/** The confirm step names the look-up it confirms, and repeats what was looked up so nothing can drift. */
/** The earlier transfers a person confirmed this one is separate from (docs/lifecycle.md#paying-twice-is-impossible near-duplicates). */
const ticked = z.array(idField).max(50, { error: () => msg("server.transfers.atMostTicked") }).optional();

/**
 * Control characters (line breaks and tabs included, and Unicode's line and paragraph separators), text-direction
 * marks and invisible characters (zero-width spaces and joiners, word joiner, byte-order mark): none belongs in a
 * one-line text people read, and the invisible ones make two texts that look the same differ.
 */
export const unsafeCharacters = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;

/** Longest memo, in characters as people count them (an emoji is one). */
export const maxMemoLength = 140;

/**
 * What a payment is for (an invoice number, a payroll line): optional, one line of at most 140 characters; control
 * characters, line breaks and text-direction marks are refused, since they make a text display as something it does
 * not say. Empty means no memo.
 */
export const memoField = z
  .string({ error: () => msg("server.transfers.memo.text") })
  .transform((memo) => memo.trim())
  .refine((memo) => [...memo].length <= maxMemoLength, { error: () => msg("server.transfers.memo.tooLong", { max: maxMemoLength }) })
  .refine((memo) => !unsafeCharacters.test(memo), { error: () => msg("server.transfers.memo.characters") })
  .transform((memo) => (memo === "" ? null : memo));

export const createTransferSchema = lookUpSchema.extend({
  inquiryId: z.coerce
    .number({ error: () => msg("server.transfers.lookUpFirst") })
    .int()
    .positive({ error: () => msg("server.transfers.lookUpFirst") })
    .max(Number.MAX_SAFE_INTEGER),
  retryOf: idField.optional(),
  separateFrom: ticked,
  memo: memoField.optional(),
  recipientId: idOf("recipient").optional(),
  nameChangeAccepted: z.boolean({ error: () => msg("server.transfers.tickIsYesOrNo") }).optional(),
  updateRecipientName: z.boolean({ error: () => msg("server.transfers.tickIsYesOrNo") }).optional(),
});

export const refreshSchema = z.object({
  transferIds: z
    .array(idField, { error: () => msg("server.transfers.chooseToRefresh") })
    .min(1, { error: () => msg("server.transfers.chooseToRefresh") })
    .max(20, { error: () => msg("server.transfers.refreshAtMost") }),
});

export const reasonField = z
  .string({ error: () => msg("server.transfers.reason.missing") })
  .trim()
  .min(3, { error: () => msg("server.transfers.reason.tooShort") })
  .max(500, { error: () => msg("server.transfers.reason.tooLong") })
  // Bidirectional embeddings, overrides and isolates too: they make the text display as something it does not say.
  .refine((v) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(v), { error: () => msg("server.transfers.reason.controlCharacters") });

export const approveSchema = z.object({
  transferId: idField,
  /** The wallet owner's current name, when it differs from the one the maker confirmed. */
  acknowledgedName: z.string().max(200).optional(),
  /** The possible duplicates the approver checked. */
  duplicatesChecked: ticked,
});
export const rejectSchema = z.object({ transferId: idField, reason: reasonField });
export const cancelSchema = z.object({ transferId: idField, reason: reasonField.optional() });

export const proposeResolutionSchema = z.object({
  transferId: idField,
  outcome: z.enum(["succeeded", "failed"], { error: () => msg("server.transfers.chooseOutcome") }),
  /** The Cash In ticket or statement line the outcome comes from. */
  reason: reasonField,
});
export const decideResolutionSchema = z.object({ transferId: idField });
export const declineResolutionSchema = z.object({ transferId: idField, reason: reasonField });
export const reviewDiscrepancySchema = z.object({ transferId: idField, reason: reasonField });
