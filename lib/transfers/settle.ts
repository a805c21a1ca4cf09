import { and, eq, inArray, isNull, lt, lte, notInArray, or, sql } from "drizzle-orm";
import { first, type Db, type Tx } from "@/db/client";
import { dialectOf, inPicked, skippingLocked } from "@/db/dialect";
import { transfers, type TopupAnswer, type Transfer, type TransferStatus } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import type { GatewayCallRecord, StatusResult } from "@/lib/cashin/client";
import type { TransferStatusOutcome } from "@/lib/cashin/codes";
import { system, type ActorContext } from "@/lib/actor";
import type { TransferDeps } from "./deps";
import { findTransfer, transition } from "./lifecycle";
import { effectiveGraceMs } from "./grace";
import { firstOf, oncePerConnection, runOf, timeValue } from "@/db/statements";
import { giveUpAfterMs, nextCheckDelayMs, nextWatchAt } from "./reconcile-schedule";
import { getLimits } from "./settings";
import { isUnsettledAtGateway, statusInfo } from "./status";
import { recordGatewayCallNow } from "./timeline";
import { log } from "@/lib/log";
import { discrepancyEvent } from "@/lib/webhooks/events";
import { inEnglish } from "./words";

/**
 * Settling with Cash In's status call (call 39; docs/gateway.md#transfer-statuses, docs/lifecycle.md#money-safety-invariants, docs/lifecycle.md#paying-twice-is-impossible). Unsettled transfers are
 * asked until the answer is final or the 3-day schedule ends (then `unresolved`); settled ones are asked
 * a few more times, because a later answer wins only forward: a success may become a refund, and any
 * other contradiction raises a discrepancy for a person instead of changing the status.
 */

/** A reconciler holds a transfer this long while it asks Cash In; another runner leaves it alone meanwhile. */
const leaseMs = 2 * 60_000;


/** Statuses a status call may still change or contradict. */
const checkable = ["sending", "processing", "unresolved", "succeeded", "failed"] as const satisfies readonly TransferStatus[];

/** `settled`: the check moved an unsettled transfer (sending, processing) to a settled status. */
export type CheckResult = { checked: boolean; transfer: Transfer | null; settled: boolean };

/**
 * "Not found" means "never sent" only when the top-up's own answer was ambiguous, or never came (the
 * process died mid-call). After 202, 409xx01 or a success Cash In has the transfer: 07 is only "not yet".
 */
export function notFoundMayMeanNeverSent(topupAnswer: TopupAnswer | null): boolean {
  return topupAnswer === null || topupAnswer === "ambiguous";
}

/** A failed transfer that may have reached Cash In is watched like a success; a refused top-up never did. */
function watchFrom(transfer: Pick<Transfer, "topupAnswer">, to: "succeeded" | "failed", at: Date): Date | null {
  return to === "failed" && transfer.topupAnswer === "refused" ? null : nextWatchAt(at, at);
}

/**
 * Takes the lease on a transfer that may be checked now, in one conditional update; returns it, or
 * undefined when it is not checkable or leased by another runner. On every check's path, so prepared once per
 * connection on SQLite. Inside the caller's transaction.
 */
async function takeLease(tx: Tx, transferId: number, now: Date): Promise<Transfer | undefined> {
  const lease = oncePerConnection(tx, "settle: lease", () =>
    tx
      .update(transfers)
      .set({ leaseUntil: sql`${sql.placeholder("until")}` })
      .where(and(eq(transfers.id, sql.placeholder("id")), inArray(transfers.status, checkable), or(isNull(transfers.leaseUntil), lt(transfers.leaseUntil, sql.placeholder("now")))))
      .returning()
      .prepare(),
  );
  return firstOf<Transfer>(tx, lease, { id: transferId, until: timeValue(tx, new Date(now.getTime() + leaseMs)), now: timeValue(tx, now) });
}

/**
 * The background loop's pick: takes the leases (from `now`) on up to `count` checkable transfers whose next check came
 * first (by `dueBy`, the pass's start) and that no runner holds, leaving out `skip` (those this pass gave back undecided), in
 * one statement sent alone; answers them oldest first, none when nothing is left. On PostgreSQL the pick passes over
 * rows another transaction has locked (`FOR UPDATE SKIP LOCKED`): the reconcilers of several instances take different
 * transfers at once and none waits for another's write; the lease condition, written again on the rows it updates,
 * keeps two picks from taking one transfer on either database.
 */
export async function takeDue(db: Db, { dueBy, now }: { dueBy: Date; now: Date }, skip: readonly number[], count: number): Promise<Transfer[]> {
  const leased = await db.transaction(
    async (tx) => {
      const leaseFree = or(isNull(transfers.leaseUntil), lt(transfers.leaseUntil, now));
      const due = lte(transfers.nextCheckAt, dueBy);
      // The status test is written so that no index serves it: the pick then walks `transfers_next_check` in the order
      // asked for, due transfers only, and the update finds its rows by id. SQLite otherwise searched the status index,
      // every settled transfer of the history included: sorting them for the pick (20 picks a second), and for the
      // update going through them all to find the picked ones (80 settlings a second at 1,000,000 transfers).
      const free = and(inArray(sql`coalesce(${transfers.status}, '')`, [...checkable]), leaseFree, due);
      const left = and(free, skip.length > 0 ? notInArray(transfers.id, [...skip]) : undefined);
      const dialect = dialectOf(tx);
      const next = sql`(select ${transfers.id} from ${transfers} where ${left} order by ${transfers.nextCheckAt}, ${transfers.id} limit ${count} ${skippingLocked(dialect)})`;
      return tx.update(transfers).set({ leaseUntil: new Date(now.getTime() + leaseMs) }).where(and(inPicked(dialect, transfers.id, next), free)).returning();
    },
    { oneStatement: true },
  );
  return leased.sort((a, b) => (a.nextCheckAt?.getTime() ?? 0) - (b.nextCheckAt?.getTime() ?? 0) || a.id - b.id);
}

/** Every write that applies an answer also ends the lease, in the same statement. */
const released = { leaseUntil: null } as const;

async function releaseLease(tx: Tx, transferId: number): Promise<void> {
  await runOf(tx, oncePerConnection(tx, "settle: release", () => tx.update(transfers).set(released).where(eq(transfers.id, sql.placeholder("id"))).prepare()), { id: transferId });
}

/**
 * Asks Cash In about one transfer and applies the answer (a person's "Refresh status", or a send's first look). A
 * lease taken by one conditional update makes sure that two reconcilers, or a reconciler and a person pressing
 * "Refresh status", never work on it at once.
 */
export async function checkTransfer(deps: TransferDeps, transferId: number, { ctx = system }: { ctx?: ActorContext } = {}): Promise<CheckResult> {
  // The lease and its release are one statement each and append nothing to the audit trail: on PostgreSQL each goes
  // out alone, without the writers' lock (db/database.ts, `oneStatement`).
  const leased = await deps.db.transaction(async (tx) => takeLease(tx, transferId, deps.now()), { oneStatement: true });
  if (!leased) return { checked: false, transfer: await findTransfer(deps.db, transferId), settled: false };
  return checkLeased(deps, leased, ctx);
}

/** Asks Cash In about a transfer whose lease this runner took (`takeLease`, `takeDue`), applies the answer and ends the lease. */
export async function checkLeased(deps: TransferDeps, leased: Transfer, ctx: ActorContext = system): Promise<CheckResult & { checked: true }> {
  const transferId = leased.id;
  let transfer: Transfer | null = null;
  try {
    const result = await deps.gateway.status(
      { partnerReferenceNo: leased.reference, expected: { amount: leased.amount, customerNumber: leased.phone } },
      { onCall: (record: GatewayCallRecord) => recordGatewayCallNow(deps.db, { transferId, reference: leased.reference }, record) },
    );
    const settled = leased.status === "succeeded" || leased.status === "failed" ? leased.status : null;
    const at = deps.now();
    // The answer is applied in one transaction with every read that decides how (the grace period among them).
    transfer = await deps.db.transaction(async (tx) =>
      settled ? applyLateAnswer(tx, leased, settled, result, at) : applyStatus(deps, tx, leased, result, ctx, at),
    );
    return { checked: true, transfer, settled: isUnsettledAtGateway(leased.status) && !!transfer && !isUnsettledAtGateway(transfer.status) };
  } finally {
    // Unless the write of the answer ended it: then nothing applied it (another change came first) or it threw.
    // A failed release is logged, not thrown: it must not hide why the check failed, and the lease lapses by itself.
    if (transfer?.leaseUntil !== null) {
      await deps.db
        .transaction(async (tx) => releaseLease(tx, transferId), { oneStatement: true })
        .catch((error: unknown) => log().error({ transferId, err: error }, "[settle] releasing the lease failed; it lapses by itself"));
    }
  }
}

/** Nothing is pending any more: a late answer replaces an admin's proposed resolution. */
const noResolution = { resolutionOutcome: null, resolutionReason: null, resolutionBy: null, resolutionAt: null } as const;

/** A `sending`, `processing` or `unresolved` transfer: settle it when the answer is final, never guess. Inside the caller's transaction. */
async function applyStatus(deps: Pick<TransferDeps, "gatewayTimeoutMs">, tx: Tx, transfer: Transfer, result: StatusResult, ctx: ActorContext, now: Date): Promise<Transfer | null> {
  const checks = transfer.checks + 1;
  const sentAt = transfer.sentAt ?? transfer.createdAt;
  const base = { checks, lastCode: result.code, ...released };

  const settle = (to: "succeeded" | "failed" | "refunded", patch: Partial<Transfer>) =>
    transition(
      tx,
      transfer.id,
      transfer.status,
      to,
      { ...base, ...noResolution, settledAt: now, nextCheckAt: to === "refunded" ? null : watchFrom(transfer, to, now), ...patch },
      ctx,
      now,
    );

  const update = async (patch: Partial<Transfer>) =>
    (await first(
      tx
        .update(transfers)
        .set({ ...patch, updatedAt: now })
        .where(and(eq(transfers.id, transfer.id), eq(transfers.status, transfer.status)))
        .returning(),
    )) ?? null;

  /** Not final: ask again later; after 3 days it is unresolved, for a person to settle with Cash In (never guessed). */
  const later = async (message: string): Promise<Transfer | null> => {
    // An unresolved transfer is no longer asked automatically; a person's refresh only records the answer.
    if (transfer.status === "unresolved") return update(base);
    if (now.getTime() - sentAt.getTime() > giveUpAfterMs) {
      return transition(
        tx,
        transfer.id,
        transfer.status,
        "unresolved",
        { ...base, nextCheckAt: null, lastMessage: inEnglish((t) => t("server.transfers.stored.noFinalAnswer", { message })) },
        ctx,
        now,
      );
    }
    const patch = { ...base, lastMessage: message, nextCheckAt: new Date(now.getTime() + nextCheckDelayMs(checks)) };
    // A top-up that Cash In confirms is pending is no longer merely in flight.
    if (transfer.status === "sending" && result.kind === "success" && result.transferStatus.state === "pending") {
      return transition(tx, transfer.id, "sending", "processing", patch, ctx, now);
    }
    return update(patch);
  };

  if (result.kind !== "success") {
    if (result.kind === "rejected") log().error({ reference: transfer.reference, transferId: transfer.id, responseCode: result.code, message: result.message }, "[reconcile] status call refused");
    return later(result.message);
  }
  const status = result.transferStatus;
  const description = result.description || status.label;
  const cashinReference = result.originalReferenceNo ?? transfer.cashinReference;
  switch (status.state) {
    case "succeeded":
      return settle("succeeded", { cashinReference, lastMessage: description });
    case "refunded":
      return settle("refunded", { cashinReference, lastMessage: description });
    case "failed":
      return settle("failed", { cashinReference, lastMessage: description, reason: inEnglish((t) => t(status.code === "05" ? "server.transfers.stored.reportsCanceled" : "server.transfers.stored.reportsFailed", { description })) });
    case "not_found": {
      // Right after an ambiguous top-up, "not found" may mean "not visible yet" (docs/gateway.md#transfer-statuses, docs/lifecycle.md#paying-twice-is-impossible).
      const graceMs = effectiveGraceMs(await getLimits(tx), deps.gatewayTimeoutMs);
      if (notFoundMayMeanNeverSent(transfer.topupAnswer) && now.getTime() - sentAt.getTime() >= graceMs) {
        return settle("failed", {
          lastMessage: description,
          reason: inEnglish((t) => t("server.transfers.stored.neverReceived")),
        });
      }
      return later(
        notFoundMayMeanNeverSent(transfer.topupAnswer)
          ? inEnglish((t) => t("server.transfers.stored.notVisibleYet", { description }))
          : inEnglish((t) => t("server.transfers.stored.acceptedNotShown", { description })),
      );
    }
    default:
      return later(description);
  }
}

/**
 * A settled transfer asked again (docs/lifecycle.md#paying-twice-is-impossible "later answers win only forward"): a refund of a success is
 * applied; any other contradiction changes no status and raises a discrepancy; agreement fills in Cash
 * In's reference if it was missing. Then the next watch check is scheduled.
 */
async function applyLateAnswer(tx: Tx, transfer: Transfer, settled: "succeeded" | "failed", result: StatusResult, now: Date): Promise<Transfer | null> {
  const nextCheckAt = nextWatchAt(transfer.settledAt ?? transfer.updatedAt, now);
  const checks = transfer.checks + 1;
  if (result.kind !== "success") {
    return (await first(tx.update(transfers).set({ checks, nextCheckAt, ...released }).where(eq(transfers.id, transfer.id)).returning())) ?? null;
  }
  const status = result.transferStatus;
  if (settled === "succeeded" && status.state === "refunded") {
    return transition(
      tx,
      transfer.id,
      "succeeded",
      "refunded",
      { checks, nextCheckAt: null, lastCode: result.code, lastMessage: result.description || status.label, cashinReference: result.originalReferenceNo ?? transfer.cashinReference, ...released },
      system,
      now,
    );
  }
  const contradiction = contradicts(settled, status);
  if (contradiction) await raiseDiscrepancy(tx, transfer, `${status.code} ${status.label}`, contradiction, now);
  const reference = transfer.cashinReference === null && status.state === "succeeded" ? result.originalReferenceNo : null;
  if (reference) await recordAudit(tx, { actor: null, action: "transfer.reference", target: { type: "transfer", id: transfer.id }, after: { cashinReference: reference }, at: now });
  return (
    (await first(
      tx
        .update(transfers)
        .set({ checks, nextCheckAt, ...released, ...(reference ? { cashinReference: reference } : {}) })
        .where(eq(transfers.id, transfer.id))
        .returning(),
    )) ?? null
  );
}

/** Why a later status contradicts a settled one, in words for the finance team; null when it agrees. */
function contradicts(settled: "succeeded" | "failed", status: TransferStatusOutcome): string | null {
  if (status.state === "unknown") return null;
  const reported = { code: status.code, label: status.label };
  if (settled === "succeeded" && status.state !== "succeeded") return inEnglish((t) => t("server.transfers.stored.contradictsSucceeded", reported));
  if (settled === "failed" && (status.state === "succeeded" || status.state === "pending" || status.state === "refunded")) {
    return inEnglish((t) => t("server.transfers.stored.contradictsFailed", reported));
  }
  return null;
}

/**
 * Flags a contradiction on the transfer until an admin marks it reviewed. The same contradiction seen
 * again (open or already reviewed) is not flagged twice; a new one reopens the flag.
 */
async function raiseDiscrepancy(tx: Tx, transfer: Transfer, reported: string, text: string, at: Date): Promise<void> {
  if (transfer.discrepancy === text) return;
  await tx.update(transfers).set({ discrepancy: text, discrepancyAt: at, discrepancyReviewedAt: null, discrepancyReviewedBy: null }).where(eq(transfers.id, transfer.id));
  await discrepancyEvent(tx, transfer, text, at);
  await recordAudit(tx, {
    actor: null,
    action: "transfer.discrepancy",
    target: { type: "transfer", id: transfer.id },
    before: { status: transfer.status },
    after: { status: transfer.status, reported, discrepancy: text },
    at,
  });
  log().error({ reference: transfer.reference, transferId: transfer.id, status: statusInfo[transfer.status].label, reported }, "[reconcile] discrepancy");
}
