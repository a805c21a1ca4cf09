import { and, eq, isNull } from "drizzle-orm";
import { transfers, type TopupAnswer, type Transfer } from "@/db/schema";
import { maskPhone } from "@/lib/cashin/phone";
import type { GatewayCallRecord, TopupResult } from "@/lib/cashin/client";
import type { ActorContext, TransferDeps } from "./deps";
import { findTransfer, transition } from "./lifecycle";
import { firstCheckDelayMs } from "./reconcile-schedule";
import { checkTransfer } from "./settle";
import { recordGatewayCallNow } from "./timeline";
import { isDraining, trackInFlight } from "@/lib/shutdown";
import { log } from "@/lib/log";
import { depositTooLow, isSendingPaused, pauseOnDepositAlert } from "@/lib/sending/pause";

/** How long after its start a top-up can still be in flight: the client's timeout plus a margin. */
export function inFlightMs(deps: TransferDeps): number {
  return deps.gatewayTimeoutMs + 5_000;
}

/** Whether sending is paused on a deposit alert now (docs/deposit-alerts.md): `sendTransfer` then claims nothing. */
export async function sendingPaused(deps: Pick<TransferDeps, "db">): Promise<boolean> {
  return isSendingPaused(deps.db);
}

/**
 * Sends an approved transfer: the one place a top-up leaves this app (docs/lifecycle.md#1-one-top-up-per-transfer). `onAnswer` sees
 * the top-up's typed outcome (a batch paces itself by it).
 * The claim `approved → sending` is one conditional update: however many requests race here, one wins
 * and sends; the others get null. Until the answer is stored, the transfer stays `sending` with a
 * check scheduled after the client's timeout, so a crash mid-call is settled by the reconciler.
 * While sending is paused on a deposit alert (docs/deposit-alerts.md) nothing is claimed: the transfer stays `approved`,
 * checked in the claim's own transaction, so no claim slips in after the pause is committed.
 */
export async function sendTransfer(
  deps: TransferDeps,
  transferId: number,
  ctx: ActorContext,
  { onAnswer }: { onAnswer?: (result: TopupResult) => void } = {},
): Promise<Transfer | null> {
  // Stopping (docs/architecture.md#stopping-cleanly): nothing new leaves; the transfer stays `approved` and
  // the reconciler sends it after the restart.
  if (isDraining()) return null;
  const claimed = await deps.db.transaction(async (tx) => {
    // Asked again when the claim runs: stopping may have begun while it waited for the writing connection.
    if (isDraining() || (await isSendingPaused(tx))) return null;
    // Taken once the claim holds the writing connection, not before it waited for it: the grace before a "not
    // found" may settle the transfer counts from here (docs/lifecycle.md), and the top-up leaves right after.
    const startedAt = deps.now();
    return transition(tx, transferId, "approved", "sending", { sentAt: startedAt, nextCheckAt: new Date(startedAt.getTime() + inFlightMs(deps)), checks: 0 }, ctx, startedAt);
  });
  if (!claimed) return null;
  return trackInFlight(topUp(deps, claimed, ctx, onAnswer));
}

/** The claimed transfer's one top-up and its answer, counted as in flight until stored. */
async function topUp(deps: TransferDeps, claimed: Transfer, ctx: ActorContext, onAnswer?: (result: TopupResult) => void): Promise<Transfer | null> {
  const transferId = claimed.id;
  let result: TopupResult;
  try {
    result = await deps.gateway.topup(
      { partnerReferenceNo: claimed.reference, wallet: claimed.wallet, customerNumber: claimed.phone, amount: claimed.amount },
      { onCall: (record: GatewayCallRecord) => recordGatewayCallNow(deps.db, { transferId, reference: claimed.reference }, record) },
    );
  } catch (error) {
    // Only a request our client refuses to send throws; it stays `sending` and the reconciler settles it.
    log().error({ reference: claimed.reference, transferId, err: error }, "[send] top-up threw before an answer; left for the reconciler");
    return findTransfer(deps.db, transferId);
  }
  onAnswer?.(result);
  log().info(
    { reference: claimed.reference, transferId, wallet: claimed.wallet, phone: maskPhone(claimed.phone), outcome: result.kind, responseCode: "code" in result ? (result.code ?? null) : null },
    "[send] top-up answered",
  );
  const applied = await applyTopupResult(deps, claimed, result, ctx);
  if (applied?.status !== "succeeded" || applied.cashinReference) return applied;
  // A success answer carries no Cash In reference; its status call does (and is the first late check).
  return (await checkTransfer(deps, transferId, { ctx })).transfer;
}

/** The top-up's own answer, as the rule "07 means never sent only after an ambiguous top-up" needs it. */
function topupAnswerOf(result: TopupResult): TopupAnswer {
  switch (result.kind) {
    case "success":
      return "succeeded";
    case "in_progress":
      return "in_progress";
    case "rejected":
      return "refused";
    case "ambiguous":
      // 409xx01: Cash In already has a transfer with this reference.
      return result.cause === "duplicate_reference" ? "held" : "ambiguous";
  }
}

async function applyTopupResult(deps: TransferDeps, transfer: Transfer, result: TopupResult, ctx: ActorContext): Promise<Transfer | null> {
  const at = deps.now();
  const base = { lastCode: result.code, lastMessage: result.message };
  const updated = await deps.db.transaction(
    async (tx) => {
      // Written once, whatever the status is by now: a status check may have settled it meanwhile.
      await tx
        .update(transfers)
        .set({ topupAnswer: topupAnswerOf(result) })
        .where(and(eq(transfers.id, transfer.id), isNull(transfers.topupAnswer)));
      switch (result.kind) {
        case "success":
          // Checked again at once for its Cash In reference, then watched for a late refund or contradiction.
          return transition(tx, transfer.id, "sending", "succeeded", { ...base, settledAt: at, nextCheckAt: new Date(at.getTime() + firstCheckDelayMs) }, ctx, at);
        case "rejected": {
          const failed = await transition(tx, transfer.id, "sending", "failed", { ...base, reason: result.message, settledAt: at, nextCheckAt: null }, ctx, at);
          // The deposit is too low: sending pauses in this same transaction (docs/deposit-alerts.md). The transfer is failed as
          // any refusal is, and a resume never sends it again.
          if (result.reason === depositTooLow) await pauseOnDepositAlert(tx, { transferId: transfer.id, reference: transfer.reference, code: result.code, at });
          return failed;
        }
        case "in_progress":
        case "ambiguous":
          // Never guessed (rule 2): processing until the status call settles it.
          return transition(
            tx,
            transfer.id,
            "sending",
            "processing",
            { ...base, nextCheckAt: new Date(at.getTime() + firstCheckDelayMs), checks: 0 },
            ctx,
            at,
          );
      }
    },
  );
  // Null: a status check settled it while the top-up was in flight; its answer stands.
  return updated ?? findTransfer(deps.db, transfer.id);
}
