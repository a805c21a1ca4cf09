import { z } from "zod";
import { transferStatuses, wallets, type Transfer } from "@/db/schema";

/**
 * How a payout (a transfer) looks to the merchant's systems: the API's answers and the webhooks' payloads
 * (docs/api.md#payouts, docs/webhooks.md) share this one shape, so a receiver parses both the same way.
 * Field names are snake_case, times ISO 8601 in UTC, amounts whole rupiah, phones in the canonical 62… form.
 * The schema is the contract: the OpenAPI document is generated from it.
 */
export const payoutSchema = z
  .object({
    reference: z.string().describe("Our reference for the payout (TRF…), the same as on screens and in exports."),
    status: z.enum(transferStatuses),
    wallet: z.enum(wallets),
    phone: z.string().describe("The wallet's number in the canonical form, 62…"),
    amount: z.number().int().describe("Whole rupiah."),
    currency: z.literal("IDR"),
    owner_name: z.string().describe("The wallet owner's name as Cash In gave it at the look-up."),
    memo: z.string().nullable(),
    batch_reference: z.string().nullable(),
    cashin_reference: z.string().nullable().describe("Cash In's reference, once it answered the top-up."),
    reason: z.string().nullable().describe("Why it failed, was rejected or canceled, in English."),
    created_at: z.string().describe("ISO 8601, UTC."),
    decided_at: z.string().nullable(),
    sent_at: z.string().nullable(),
    settled_at: z.string().nullable(),
  })
  .meta({ id: "Payout" });

export type PayoutJson = z.infer<typeof payoutSchema>;

const iso = (at: Date | null) => (at ? at.toISOString() : null);

export function payoutJson(
  transfer: Pick<
    Transfer,
    "reference" | "status" | "wallet" | "phone" | "amount" | "ownerName" | "memo" | "cashinReference" | "reason" | "createdAt" | "decidedAt" | "sentAt" | "settledAt"
  >,
  batchReference: string | null = null,
): PayoutJson {
  return {
    reference: transfer.reference,
    status: transfer.status,
    wallet: transfer.wallet,
    phone: transfer.phone,
    amount: transfer.amount,
    currency: "IDR",
    owner_name: transfer.ownerName,
    memo: transfer.memo,
    batch_reference: batchReference,
    cashin_reference: transfer.cashinReference,
    reason: transfer.reason,
    created_at: transfer.createdAt.toISOString(),
    decided_at: iso(transfer.decidedAt),
    sent_at: iso(transfer.sentAt),
    settled_at: iso(transfer.settledAt),
  };
}
