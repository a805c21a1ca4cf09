import { and, asc, count, eq, gt, inArray } from "drizzle-orm";
import type { Wallet } from "@/lib/cashin/protocol";
import type { GatewayCallRecord, InquiryResult } from "@/lib/cashin/client";
import { outcomeWords } from "@/lib/cashin/codes";
import { first, type Tx } from "@/db/client";
import { inquiries, type Inquiry, type InquiryPurpose } from "@/db/schema";
import type { PersonContext } from "@/lib/actor";
import { recordAuditAtMostEvery } from "@/lib/audit/record";
import { msg } from "@/lib/i18n/translate";
import { fail, ok, type ActionResult } from "@/lib/result";
import { walletLabel } from "./wallets";
import type { TransferDeps } from "./deps";
import { nearDuplicates, type NearDuplicate } from "./duplicates";
import { limitProblem, needsApproval } from "./limits";
import { approvalRuleFor } from "@/lib/policies/tiers";
import { newReference } from "./reference";
import { getLimits } from "./settings";
import { logGatewayCall, recordGatewayCall } from "./timeline";
import { inEnglish, say, type Words } from "./words";

export type WalletQuery = { wallet: Wallet; phone: string; amount: number };

/** What a person reads when the look-up did not find a usable wallet. */
function failure(query: WalletQuery, result: Exclude<InquiryResult, { kind: "success" }>): { outcome: Inquiry["outcome"]; words: Words } {
  const wallet = walletLabel[query.wallet];
  if (result.kind === "ambiguous") {
    return { outcome: "unavailable", words: (t) => t("server.transfers.lookUpUnanswered", { problem: outcomeWords(t, "inquiry", result) }) };
  }
  if (result.reason === "invalid_account") return { outcome: "not_found", words: (t) => t("server.transfers.noSuchWallet", { wallet, phone: query.phone }) };
  if (result.reason === "inactive_account") return { outcome: "inactive", words: (t) => t("server.transfers.walletInactive", { wallet }) };
  return { outcome: "refused", words: (t) => outcomeWords(t, "inquiry", result) };
}

/**
 * The look-up's row, stored before Cash In is asked: a look-up in flight already counts against its
 * person's limit, and one the app stopped during stays on record as unanswered.
 */
async function startLookUp(tx: Tx, userId: number, query: WalletQuery, purpose: InquiryPurpose, now: Date): Promise<Inquiry> {
  const [started] = await tx
    .insert(inquiries)
    .values({ userId, ...query, reference: newReference("INQ", now), outcome: "unavailable", message: "No answer from Cash In was recorded for this look-up.", purpose, createdAt: now })
    .returning();
  return started!;
}

/**
 * A finished look-up, and why it found no usable wallet in the words of the person who asked (its row keeps them in
 * English, for whoever reads it later).
 */
export type LookedUp = { inquiry: Inquiry; problem: string | null };

/** Asks Cash In who owns the started look-up's wallet; its answer and every call land on its row together. */
async function finishLookUp(deps: TransferDeps, started: Inquiry, transferId?: number): Promise<LookedUp> {
  const calls: GatewayCallRecord[] = [];
  const query: WalletQuery = { wallet: started.wallet, phone: started.phone, amount: started.amount };
  const result = await deps.gateway.inquiry(
    { partnerReferenceNo: started.reference, wallet: query.wallet, customerNumber: query.phone, amount: query.amount },
    { onCall: (record) => void calls.push(record) },
  );
  const { words, ...answer } = result.kind === "success" ? { outcome: "found" as const, ownerName: result.customerName.trim(), words: null } : { ownerName: null, ...failure(query, result) };
  const inquiry = await deps.db.transaction(async (tx) => {
    const inquiry = (await first(tx.update(inquiries).set({ ...answer, message: words && inEnglish(words) }).where(eq(inquiries.id, started.id)).returning()))!;
    for (const record of calls) await recordGatewayCall(tx, { inquiryId: inquiry.id, transferId, reference: started.reference }, record);
    return inquiry;
  });
  for (const record of calls) logGatewayCall({ inquiryId: inquiry.id, transferId, reference: started.reference }, record);
  return { inquiry, problem: words && say(words) };
}

/**
 * Account inquiry (docs/gateway.md#the-three-calls, call 37): who owns this wallet. Every look-up is stored with its gateway
 * calls and what it was for, because a single transfer can only be created from a recent successful
 * look-up made on the New transfer screen (docs/lifecycle.md#4-the-confirmed-name-is-the-stored-name): never from a batch row's or an approval's.
 * The hourly limit of a person's own look-ups is `lookUpForNewTransfer`'s; batch rows are counted at upload.
 */
export async function lookUpWallet(
  deps: TransferDeps,
  userId: number,
  query: WalletQuery,
  { transferId, purpose }: { transferId?: number; purpose: InquiryPurpose },
): Promise<Inquiry> {
  return (await lookUpWalletWithProblem(deps, userId, query, { transferId, purpose })).inquiry;
}

/** `lookUpWallet`, and why it found no usable wallet in the words of the person who asked. */
export async function lookUpWalletWithProblem(
  deps: TransferDeps,
  userId: number,
  query: WalletQuery,
  { transferId, purpose }: { transferId?: number; purpose: InquiryPurpose },
): Promise<LookedUp> {
  const started = await deps.db.transaction(async (tx) => startLookUp(tx, userId, query, purpose, deps.now()));
  return finishLookUp(deps, started, transferId);
}

const hourMs = 60 * 60_000;

/** The look-ups a person asks for one at a time: New transfer's and saving a recipient's. */
const countedPurposes: InquiryPurpose[] = ["transfer", "recipient"];

/**
 * Owner names are personal data (docs/limits.md#look-ups-per-person-per-hour): a person makes at most
 * `limit` look-ups on New transfer (and saving recipients) in any hour. A look-up a manager redoes to approve is
 * part of approving, and batch rows count against the batch rows per day, so neither counts here. Refusals are
 * audited at most once a minute per person.
 */
async function refuseOverHourlyLimit(tx: Tx, { actor, ip }: PersonContext, limit: number, now: Date) {
  const counted = and(eq(inquiries.userId, actor.id), gt(inquiries.createdAt, new Date(now.getTime() - hourMs)), inArray(inquiries.purpose, countedPurposes));
  const made = (await first(tx.select({ n: count() }).from(inquiries).where(counted)))?.n ?? 0;
  if (made < limit) return null;
  // The next one is possible once enough of these are an hour old to leave one free (more than one if the limit was lowered).
  const freeing = (await first(tx.select({ at: inquiries.createdAt }).from(inquiries).where(counted).orderBy(asc(inquiries.createdAt)).limit(1).offset(made - limit)))!;
  const nextAt = new Date(freeing.at.getTime() + hourMs);
  const message = say((t, f) =>
    made === limit
      ? t("server.transfers.lookUpsAtLimit", { count: made, next: f.timeNear(nextAt, now) })
      : t("server.transfers.lookUpsOverLimit", { count: made, limit: f.number(limit), next: f.timeNear(nextAt, now) }),
  );
  await recordAuditAtMostEvery(tx, 60_000, {
    actor,
    action: "inquiry.rate_limited",
    target: { type: "limit", id: "lookUpsPerHour" },
    after: { made, limit, nextAt: nextAt.toISOString() },
    ip,
    at: now,
  });
  return fail("forbidden", message);
}

/**
 * One look-up a person asked for, counted against their look-ups per hour (counted and started in one
 * transaction, so two at once cannot both take the last one left). Fails with the reason in their words when
 * Cash In found no usable wallet.
 */
export async function countedLookUp(
  deps: TransferDeps,
  ctx: PersonContext,
  query: WalletQuery,
  purpose: InquiryPurpose,
): Promise<ActionResult<Inquiry & { ownerName: string }>> {
  const now = deps.now();
  // The limit is read in the counting transaction too: an admin's change that lands meanwhile is seen.
  const started = await deps.db.transaction(
    async (tx) => (await refuseOverHourlyLimit(tx, ctx, (await getLimits(tx)).lookUpsPerHour, now)) ?? ok(await startLookUp(tx, ctx.actor.id, query, purpose, now)),
  );
  if (!started.ok) return started;
  const { inquiry, problem } = await finishLookUp(deps, started.data);
  if (inquiry.outcome !== "found" || !inquiry.ownerName) return fail("conflict", problem ?? msg("server.transfers.walletNotFound"));
  return ok({ ...inquiry, ownerName: inquiry.ownerName });
}

export type LookUpAnswer = {
  inquiryId: number;
  wallet: Wallet;
  phone: string;
  amount: number;
  ownerName: string;
  needsApproval: boolean;
  /** How many managers its approval tier asks for now (docs/policies.md#approval-tiers); 0 below the first floor. */
  approvalsNeeded: number;
  /** Other transfers to this wallet, phone and amount in the near-duplicate window: the maker ticks "separate payment". */
  nearDuplicates: NearDuplicate[];
};

/**
 * Step 1 of a new transfer: the limits first (so no look-up is wasted), then the person's look-ups per
 * hour, then who owns the wallet, and whether the same payment was made recently
 * (docs/lifecycle.md#paying-twice-is-impossible). `who` is the person and their address; given only a
 * user id, a refusal is audited without an address.
 */
export async function lookUpForNewTransfer(deps: TransferDeps, ctx: PersonContext, query: WalletQuery): Promise<ActionResult<LookUpAnswer>> {
  const now = deps.now();
  const limits = await getLimits(deps.db);
  const problem = await limitProblem(deps.db, limits, ctx.actor.id, query.amount, now);
  if (problem) return fail("forbidden", problem, { amount: [problem] });
  const found = await countedLookUp(deps, ctx, query, "transfer");
  if (!found.ok) return found;
  const inquiry = found.data;
  return ok({
    inquiryId: inquiry.id,
    wallet: inquiry.wallet,
    phone: inquiry.phone,
    amount: inquiry.amount,
    ownerName: inquiry.ownerName,
    needsApproval: needsApproval(limits, inquiry.amount),
    approvalsNeeded: (await approvalRuleFor(deps.db, inquiry.amount))?.approvals ?? 0,
    nearDuplicates: await nearDuplicates(deps.db, query, { around: deps.now(), windowHours: limits.nearDuplicateWindowHours }),
  });
}
