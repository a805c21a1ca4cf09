import { and, asc, eq, inArray, isNull, lte, or, lt } from "drizzle-orm";
import { transfers, type Transfer } from "@/db/schema";
import type { GatewayCallRecord, StatusResult } from "@/lib/cashin/client";
import { expireOverdue } from "./approvals";
import type { ActorContext, TransferDeps } from "./deps";
import { findTransfer, transition } from "./lifecycle";
import { giveUpAfterMs, nextCheckDelayMs } from "./reconcile-schedule";
import { sendTransfer, inFlightMs } from "./send";
import { getLimits } from "./settings";
import { isUnsettledAtGateway, unsettledAtGateway } from "./status";
import { recordGatewayCall } from "./timeline";

/** A reconciler holds a transfer this long while it asks Cash In; another runner leaves it alone meanwhile. */
const leaseMs = 2 * 60_000;

const system: ActorContext = { actor: null, ip: null };

export type CheckResult = { checked: boolean; transfer: Transfer | null };

/**
 * Asks Cash In (call 39) about one `sending` or `processing` transfer and settles it when the answer is
 * final (SPEC §2.5, §3.2 rules 2 and 3). A lease taken by one conditional update makes sure that two
 * reconcilers, or a reconciler and a person pressing "Refresh status", never work on it at once.
 * `due` limits it to transfers whose next check has come (the background loop); a person's refresh
 * asks at once.
 */
export async function checkTransfer(
  deps: TransferDeps,
  transferId: number,
  { due = false, ctx = system }: { due?: boolean; ctx?: ActorContext } = {},
): Promise<CheckResult> {
  const now = deps.now();
  const leased = deps.db
    .update(transfers)
    .set({ leaseUntil: new Date(now.getTime() + leaseMs) })
    .where(
      and(
        eq(transfers.id, transferId),
        inArray(transfers.status, unsettledAtGateway),
        or(isNull(transfers.leaseUntil), lt(transfers.leaseUntil, now)),
        due ? lte(transfers.nextCheckAt, now) : undefined,
      ),
    )
    .returning()
    .get();
  if (!leased) return { checked: false, transfer: findTransfer(deps.db, transferId) };

  try {
    const result = await deps.gateway.status(
      { partnerReferenceNo: leased.reference },
      { onCall: (record: GatewayCallRecord) => recordGatewayCall(deps.db, { transferId }, record) },
    );
    return { checked: true, transfer: applyStatus(deps, leased, result, ctx) };
  } finally {
    deps.db.update(transfers).set({ leaseUntil: null }).where(eq(transfers.id, transferId)).run();
  }
}

function applyStatus(deps: TransferDeps, transfer: Transfer, result: StatusResult, ctx: ActorContext): Transfer | null {
  const now = deps.now();
  const checks = transfer.checks + 1;
  const sentAt = transfer.sentAt ?? transfer.createdAt;
  const graceMs = getLimits(deps.db).notFoundGraceMinutes * 60_000;
  const base = { checks, lastCode: result.code };

  const settle = (to: "succeeded" | "failed" | "refunded", patch: Partial<Transfer>) =>
    deps.db.transaction(
      (tx) => transition(tx, transfer.id, transfer.status, to, { ...base, settledAt: now, nextCheckAt: null, ...patch }, ctx, now),
      { behavior: "immediate" },
    );

  /** Not final: ask again later, or stop asking after 3 days and leave it to a person (never guess). */
  const later = (message: string) => {
    const givingUp = now.getTime() - sentAt.getTime() > giveUpAfterMs;
    const patch = {
      ...base,
      lastMessage: givingUp ? `Still unknown after 3 days of checks (${message}). Check with Cash In support.` : message,
      nextCheckAt: givingUp ? null : new Date(now.getTime() + nextCheckDelayMs(checks)),
    };
    // A top-up that Cash In confirms is pending is no longer merely in flight.
    if (transfer.status === "sending" && result.kind === "success" && result.transferStatus.state === "pending") {
      return deps.db.transaction((tx) => transition(tx, transfer.id, "sending", "processing", patch, ctx, now), { behavior: "immediate" });
    }
    return deps.db.update(transfers).set({ ...patch, updatedAt: now }).where(and(eq(transfers.id, transfer.id), eq(transfers.status, transfer.status))).returning().get() ?? null;
  };

  if (result.kind !== "success") {
    if (result.kind === "rejected") console.error(`[reconcile] status call for ${transfer.reference} refused: ${result.code} ${result.message}`);
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
      return settle("failed", { cashinReference, lastMessage: description, reason: `Cash In reports the transfer ${status.code === "05" ? "canceled" : "failed"}: ${description}` });
    case "not_found":
      // Right after an ambiguous top-up, "not found" may mean "not visible yet" (SPEC §2.5).
      if (now.getTime() - sentAt.getTime() >= graceMs) {
        return settle("failed", {
          lastMessage: description,
          reason: "Cash In never received this transfer, so no money moved. Retry it as a new transfer.",
        });
      }
      return later(`Not visible at Cash In yet (${description})`);
    default:
      return later(description);
  }
}

/**
 * One pass of the reconciler: expire overdue approvals, send approved transfers that a crash left
 * unsent, and check every unsettled transfer whose next check has come. Runs with bounded concurrency.
 */
export async function reconcileDue(
  deps: TransferDeps,
  { limit = 500, concurrency = 8, all = false }: { limit?: number; concurrency?: number; all?: boolean } = {},
): Promise<{ expired: number; resent: number; checked: number; settled: number }> {
  const now = deps.now();
  const expired = expireOverdue(deps);

  // Approved but never claimed (the process died between approval and sending): claim and send now.
  // A batch's rows are left to its own runner, which resumes them at its bounded pace.
  const orphanCutoff = new Date(now.getTime() - inFlightMs(deps));
  const orphans = deps.db
    .select({ id: transfers.id })
    .from(transfers)
    .where(and(eq(transfers.status, "approved"), lt(transfers.updatedAt, orphanCutoff), isNull(transfers.batchId)))
    .limit(limit)
    .all();
  let resent = 0;
  for (const { id } of orphans) if (await sendTransfer(deps, id, system)) resent++;

  const due = deps.db
    .select({ id: transfers.id })
    .from(transfers)
    .where(and(inArray(transfers.status, unsettledAtGateway), all ? undefined : lte(transfers.nextCheckAt, now)))
    .orderBy(asc(transfers.nextCheckAt))
    .limit(limit)
    .all();
  let checked = 0;
  let settled = 0;
  let next = 0;
  const worker = async () => {
    while (next < due.length) {
      const { id } = due[next++]!;
      const result = await checkTransfer(deps, id, { due: !all });
      if (!result.checked) continue;
      checked++;
      if (result.transfer && !isUnsettledAtGateway(result.transfer.status)) settled++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
  return { expired, resent, checked, settled };
}
