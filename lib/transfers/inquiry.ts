import type { Wallet } from "@/lib/cashin/protocol";
import type { GatewayCallRecord, InquiryResult } from "@/lib/cashin/client";
import { inquiries, type Inquiry } from "@/db/schema";
import { walletLabel } from "./wallets";
import type { TransferDeps } from "./deps";
import { newReference } from "./reference";
import { recordGatewayCall } from "./timeline";

export type WalletQuery = { wallet: Wallet; phone: string; amount: number };

/** What a person reads when the look-up did not find a usable wallet. */
function failureMessage(query: WalletQuery, result: Exclude<InquiryResult, { kind: "success" }>): { outcome: Inquiry["outcome"]; message: string } {
  const wallet = walletLabel[query.wallet];
  if (result.kind === "ambiguous") {
    return { outcome: "unavailable", message: `Cash In did not answer the look-up (${result.message}). Nothing was sent; try again in a moment.` };
  }
  if (result.reason === "invalid_account") return { outcome: "not_found", message: `No ${wallet} wallet is registered to ${query.phone}. Check the number and the e-wallet.` };
  if (result.reason === "inactive_account") return { outcome: "inactive", message: `This ${wallet} wallet is inactive: its owner must reactivate it before it can receive money.` };
  return { outcome: "refused", message: result.message };
}

/**
 * Account inquiry (SPEC §2, call 37): who owns this wallet. Every look-up is stored with its gateway
 * calls, because a transfer can only be created from a recent successful one (SPEC §3.2 rule 4).
 */
export async function lookUpWallet(
  deps: TransferDeps,
  userId: number,
  query: WalletQuery,
  link: { transferId?: number } = {},
): Promise<Inquiry> {
  const calls: GatewayCallRecord[] = [];
  const reference = newReference("INQ", deps.now());
  const result = await deps.gateway.inquiry(
    { partnerReferenceNo: reference, wallet: query.wallet, customerNumber: query.phone, amount: query.amount },
    { onCall: (record) => void calls.push(record) },
  );
  const answer = result.kind === "success" ? { outcome: "found" as const, ownerName: result.customerName.trim(), message: null } : { ownerName: null, ...failureMessage(query, result) };
  return deps.db.transaction((tx) => {
    const inquiry = tx
      .insert(inquiries)
      .values({ userId, ...query, reference, ...answer, createdAt: deps.now() })
      .returning()
      .get();
    for (const record of calls) recordGatewayCall(tx, { inquiryId: inquiry.id, transferId: link.transferId }, record);
    return inquiry;
  });
}
