import type { Wallet } from "@/lib/cashin/protocol";
import type { GatewayCallRecord, InquiryResult } from "@/lib/cashin/client";
import { inquiries, type Inquiry, type InquiryPurpose } from "@/db/schema";
import { fail, ok, type ActionResult } from "@/lib/result";
import { walletLabel } from "./wallets";
import type { TransferDeps } from "./deps";
import { nearDuplicates, type NearDuplicate } from "./duplicates";
import { limitProblem, needsApproval } from "./limits";
import { newReference } from "./reference";
import { getLimits } from "./settings";
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
 * Account inquiry (docs/gateway.md#the-three-calls, call 37): who owns this wallet. Every look-up is stored with its gateway
 * calls and what it was for, because a single transfer can only be created from a recent successful
 * look-up made on the New transfer screen (docs/lifecycle.md#4-the-confirmed-name-is-the-stored-name): never from a batch row's or an approval's.
 */
export async function lookUpWallet(
  deps: TransferDeps,
  userId: number,
  query: WalletQuery,
  { transferId, purpose }: { transferId?: number; purpose: InquiryPurpose },
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
      .values({ userId, ...query, reference, ...answer, purpose, createdAt: deps.now() })
      .returning()
      .get();
    for (const record of calls) recordGatewayCall(tx, { inquiryId: inquiry.id, transferId }, record);
    return inquiry;
  });
}

export type LookUpAnswer = {
  inquiryId: number;
  wallet: Wallet;
  phone: string;
  amount: number;
  ownerName: string;
  needsApproval: boolean;
  /** Other transfers to this wallet, phone and amount in the near-duplicate window: the maker ticks "separate payment". */
  nearDuplicates: NearDuplicate[];
};

/**
 * Step 1 of a new transfer: the limits first (so no look-up is wasted), then who owns the wallet, and
 * whether the same payment was made recently (docs/lifecycle.md#paying-twice-is-impossible).
 */
export async function lookUpForNewTransfer(deps: TransferDeps, userId: number, query: WalletQuery): Promise<ActionResult<LookUpAnswer>> {
  const limits = getLimits(deps.db);
  const problem = limitProblem(deps.db, limits, userId, query.amount, deps.now());
  if (problem) return fail("forbidden", problem, { amount: [problem] });
  const inquiry = await lookUpWallet(deps, userId, query, { purpose: "transfer" });
  if (inquiry.outcome !== "found" || !inquiry.ownerName) return fail("conflict", inquiry.message ?? "The wallet could not be found.");
  return ok({
    inquiryId: inquiry.id,
    wallet: inquiry.wallet,
    phone: inquiry.phone,
    amount: inquiry.amount,
    ownerName: inquiry.ownerName,
    needsApproval: needsApproval(limits, inquiry.amount),
    nearDuplicates: nearDuplicates(deps.db, query, { around: deps.now(), windowHours: limits.nearDuplicateWindowHours }),
  });
}
