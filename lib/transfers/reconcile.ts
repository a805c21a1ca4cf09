import { and, asc, eq, inArray, isNull, lt } from "drizzle-orm";
import { mutex, type DbOrTx } from "@/db/client";
import { transfers, type Transfer, type TransferStatus } from "@/db/schema";
import { pool } from "@/lib/concurrency";
import { expireOverdue } from "./approvals";
import type { ActorContext, TransferDeps } from "./deps";
import { lookUpWallet } from "./inquiry";
import { transition } from "./lifecycle";
import { sameName } from "./owner-name";
import { inFlightMs, sendTransfer } from "./send";
import { system } from "@/lib/actor";
import { checkLeased, checkTransfer, takeDue, type CheckResult } from "./settle";
import { unsettledAtGateway } from "./status";
import { inEnglish } from "./words";

/**
 * An approved transfer that a crash left unsent is sent by the reconciler only this soon after its
 * approval; an older one goes back to the approval queue (docs/lifecycle.md#paying-twice-is-impossible: old approvals are not sent blindly).
 */
export const sendUnsentWithinMs = 15 * 60_000;

/**
 * One pass of the reconciler: expire overdue approvals, send (or send back for approval) approved
 * transfers that a crash left unsent, and check every transfer whose next check has come, unsettled
 * ones and settled ones still watched. Runs with bounded concurrency.
 */
export async function reconcileDue(
  deps: TransferDeps,
  { limit = 500, concurrency = 8, all = false }: { limit?: number; concurrency?: number; all?: boolean } = {},
): Promise<{ expired: number; resent: number; requeued: number; checked: number; settled: number }> {
  const now = deps.now();
  const expired = await expireOverdue(deps);

  // Approved but never claimed (the process died between approval and sending).
  // A batch's rows are left to its own runner, which resumes them at its bounded pace.
  const orphanCutoff = new Date(now.getTime() - inFlightMs(deps));
  const orphans = await deps.db
    .select()
    .from(transfers)
    .where(and(eq(transfers.status, "approved"), lt(transfers.updatedAt, orphanCutoff), isNull(transfers.batchId)))
    .limit(limit);
  let resent = 0;
  let requeued = 0;
  for (const orphan of orphans) {
    const approvedAt = orphan.decidedAt ?? orphan.createdAt;
    if (now.getTime() - approvedAt.getTime() <= sendUnsentWithinMs) {
      if (await sendTransfer(deps, orphan.id, system)) resent++;
    } else if (await requeue(deps, orphan)) requeued++;
  }

  let checked = 0;
  let settled = 0;
  const count = (result: CheckResult) => {
    if (!result.checked) return;
    checked++;
    if (result.settled) settled++;
  };
  if (all) {
    // `npm run reconcile -- --all`: every unsettled transfer now, due or not.
    const unsettled = await deps.db.select({ id: transfers.id }).from(transfers).where(inArray(transfers.status, unsettledAtGateway)).orderBy(asc(transfers.nextCheckAt)).limit(limit);
    await pool(unsettled, concurrency, async ({ id }) => count(await checkTransfer(deps, id)));
  } else {
    // `concurrency` runners check side by side; when none is left in hand, the runner that finds so takes the leases
    // of the next `concurrency` due transfers in the statement that picks them (on PostgreSQL passing over those
    // another instance is writing), until `limit` are taken or none is due. One this pass took once is not taken
    // again in it, even when its check gave the lease back without writing an answer: it stays among those the picks
    // leave out (one whose answer was written is due later, and leaves the list). The picks go out one at a time, each
    // knowing every one before it (a pick waiting for a pooled connection would not).
    const leftOut = new Set<number>();
    const inHand: Transfer[] = [];
    let picked = 0;
    let more = true;
    const oneAtATime = mutex();
    const pick = () =>
      oneAtATime(async () => {
        if (inHand.length === 0 && more && picked < limit) {
          const leased = await takeDue(deps.db, { dueBy: now, now: deps.now() }, [...leftOut], Math.min(concurrency, limit - picked));
          if (leased.length === 0) more = false;
          picked += leased.length;
          for (const transfer of leased) leftOut.add(transfer.id);
          inHand.push(...leased);
        }
        return inHand.shift();
      });
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let leased = await pick(); leased; leased = await pick()) {
          const result = await checkLeased(deps, leased);
          if (result.transfer) leftOut.delete(leased.id);
          count(result);
        }
      }),
    );
  }
  return { expired, resent, requeued, checked, settled };
}

/**
 * Sends an old unsent approval back to the approval queue with a fresh look-up of the wallet, so the
 * approver sees today's owner name; its approval deadline starts again. Returns whether it moved.
 */
async function requeue(deps: TransferDeps, transfer: Transfer): Promise<boolean> {
  const inquiry = await lookUpWallet(deps, transfer.makerId, { wallet: transfer.wallet, phone: transfer.phone, amount: transfer.amount }, { transferId: transfer.id, purpose: "requeue" });
  const now = deps.now();
  // Stored in English, read in each reader's language (lib/i18n/stored.ts).
  const note = inEnglish((t, format) => {
    const requeued = t("server.transfers.stored.requeued", { at: format.dateTime(transfer.decidedAt ?? transfer.createdAt) });
    if (inquiry.outcome !== "found" || !inquiry.ownerName) return `${requeued} ${t("server.transfers.stored.requeueNotConfirmed", { message: inquiry.message ?? "" })}`;
    if (sameName(inquiry.ownerName, transfer.ownerName)) return requeued;
    return `${requeued} ${t("server.transfers.stored.requeueOtherName", { now: inquiry.ownerName, before: transfer.ownerName })}`;
  });
  const moved = await deps.db.transaction(async (tx) =>
    transition(
      tx,
      transfer.id,
      "approved",
      "awaiting_approval",
      {
        queuedAt: now,
        approverId: null,
        decidedAt: null,
        lastMessage: note,
      },
      system,
      now,
    ),
  );
  return moved !== null;
}

/** How many status calls one person's refresh runs at once, so a long list does not flood Cash In. */
const refreshConcurrency = 4;

export type Refreshed = { transferId: number; status: TransferStatus | null };

/**
 * "Refresh status": asks Cash In now about the given transfers, 4 at a time. The history's "Refresh all
 * unsettled" sends them in chunks so that it can show its progress between chunks.
 */
export async function refreshTransfers(deps: TransferDeps, transferIds: readonly number[], ctx: ActorContext): Promise<Refreshed[]> {
  const results: Refreshed[] = [];
  await pool([...new Set(transferIds)], refreshConcurrency, async (transferId) => {
    const checked = await checkTransfer(deps, transferId, { ctx });
    results.push({ transferId, status: checked.transfer?.status ?? null });
  });
  return results;
}

/** The unsettled transfers (at most 1,000), for "Refresh all unsettled". */
export async function unsettledTransferIds(db: DbOrTx): Promise<number[]> {
  const unsettled = await db.select({ id: transfers.id }).from(transfers).where(inArray(transfers.status, unsettledAtGateway)).limit(1000);
  return unsettled.map((t) => t.id);
}
