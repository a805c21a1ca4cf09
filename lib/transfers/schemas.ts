import { z } from "zod";
import { toAmountValue } from "@/lib/cashin/amount";
import { normalizePhone } from "@/lib/cashin/phone";
import { WALLETS } from "@/lib/cashin/protocol";

/** Shared by the forms (react-hook-form resolver) and the server actions: no server-only imports here. */

export const walletField = z.enum(WALLETS, { error: "Choose the e-wallet: DANA, OVO, GoPay or ShopeePay" });

/** `08…`, `+62 8…`, spaces and dashes → `628…` (docs/gateway.md#bodies). */
export const phoneField = z
  .string({ error: "Enter the wallet's phone number" })
  .max(40, "A phone number is at most 15 digits")
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
  .union([z.string(), z.number()], { error: "Enter the amount in rupiah" })
  .transform((raw, ctx) => {
    let input: string | number = raw;
    if (typeof raw === "string") {
      const text = raw.trim().replace(/^rp\.?\s*/i, "");
      if (text === "") {
        ctx.addIssue({ code: "custom", message: "Enter the amount in rupiah" });
        return z.NEVER;
      }
      // Thousand separators only: groups of exactly three digits after the first.
      if (/^\d{1,3}([.,\s]\d{3})+$/.test(text)) input = text.replace(/[.,\s]/g, "");
      else if (/^\d+$/.test(text)) input = text;
      else {
        ctx.addIssue({ code: "custom", message: "Enter whole rupiah, like 50000 or 50.000 (no cents)" });
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

/** The id of a row of `what` (transfer, batch, …) as a form or a client sends it. */
export const idOf = (what: string) => z.coerce.number({ error: `Unknown ${what}` }).int(`Unknown ${what}`).positive(`Unknown ${what}`).max(Number.MAX_SAFE_INTEGER);
const idField = idOf("transfer");

/** The confirm step names the look-up it confirms, and repeats what was looked up so nothing can drift. */
/** The earlier transfers a person confirmed this one is separate from (docs/lifecycle.md#paying-twice-is-impossible near-duplicates). */
const ticked = z.array(idField).max(50, "At most 50 transfers").optional();

export const createTransferSchema = lookUpSchema.extend({
  inquiryId: z.coerce.number({ error: "Look up the wallet first" }).int().positive("Look up the wallet first").max(Number.MAX_SAFE_INTEGER),
  retryOf: idField.optional(),
  separateFrom: ticked,
});

export const refreshSchema = z.object({
  transferIds: z.array(idField, { error: "Choose the transfers to refresh" }).min(1, "Choose the transfers to refresh").max(20, "Refresh at most 20 transfers at once"),
});

export const reasonField = z
  .string({ error: "Give a reason" })
  .trim()
  .min(3, "Give a reason of at least 3 characters")
  .max(500, "A reason is at most 500 characters")
  // Bidirectional embeddings, overrides and isolates too: they make the text display as something it does not say.
  .refine((v) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(v), "A reason cannot contain control characters");

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
  outcome: z.enum(["succeeded", "failed"], { error: "Choose what Cash In says happened: succeeded or failed" }),
  /** The Cash In ticket or statement line the outcome comes from. */
  reason: reasonField,
});
export const decideResolutionSchema = z.object({ transferId: idField });
export const declineResolutionSchema = z.object({ transferId: idField, reason: reasonField });
export const reviewDiscrepancySchema = z.object({ transferId: idField, reason: reasonField });
