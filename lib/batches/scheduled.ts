import { and, asc, eq, inArray, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import { system } from "@/lib/actor";
import { batchRows, batches, transfers, type Batch } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { withLocale } from "@/lib/i18n/request-locale";
import { inquiryFreshMs } from "@/lib/transfers/create";
import type { TransferDeps } from "@/lib/transfers/deps";
import { transitionBatch } from "@/lib/transfers/lifecycle";
import { limitsStillHold } from "@/lib/transfers/limits";
import { sameName } from "@/lib/transfers/owner-name";
import { getLimits } from "@/lib/transfers/settings";
import { inEnglish } from "@/lib/transfers/words";
import { isSendingPaused, lastResumedAt } from "@/lib/sending/pause";
import type { Backoff } from "./backoff";
import { checkPendingRows } from "./check";
import { batchTransition, findBatch } from "./lifecycle";

/**
 * A scheduled batch at its time (docs/batches.md#scheduled-batches). It was approved before; now the runner looks up
 * again the wallets whose look-up is older than 15 minutes, checks the limits as they are today, and only then moves it
 * to `sending`, in one conditional update; from there it is sent like any approved batch. Nothing is kept in memory: a
 * runner started after a restart finds the batch in the database and does the same, once (the lease and the
 * conditional update keep two runners apart).
 */

/** A look-up this close to its 15 minutes is redone, as at approval (docs/batches.md#4-approval). */
const freshnessMarginMs = 60_000;
/**
 * Picked up this long after its time (the app was down, or sending was paused on a deposit alert until later), it is
 * not sent blindly: it is paused for a person's confirmation, like a batch whose sending stopped as long
 * (docs/lifecycle.md#14-old-unsent-approvals-are-re-queued-and-long-stopped-batches-paused).
 */
export const lateAfterMs = 15 * 60_000;

/** Scheduled and its time has come, at `now`. */
export function isDue(batch: Pick<Batch, "status" | "sendAt">, now: Date): boolean {
  return batch.status === "scheduled" && batch.sendAt !== null && batch.sendAt.getTime() <= now.getTime();
}

/**
 * Does what a scheduled batch needs at its time: re-checks, then sends or cancels it. Returns at once when it is not
 * scheduled, not due yet, or sending is paused on a deposit alert (it stays scheduled and is picked up after the resume).
 */
export async function sendWhenDue(deps: TransferDeps, batchId: number, run: { concurrency: number; backoff: Backoff }): Promise<void> {
  for (;;) {
    const batch = await findBatch(deps.db, batchId);
    const now = deps.now();
    if (!batch || !isDue(batch, now) || (await isSendingPaused(deps.db))) return;
    if (batch.recheckRequestedAt !== null || (await markStaleRows(deps, batch, now)) > 0) {
      // The look-ups are redone as its approver (or its maker when none was needed); the check ends the re-check.
      await checkPendingRows(deps, batchId, run);
      if ((await findBatch(deps.db, batchId))?.recheckRequestedAt !== null) return;
      continue;
    }
    await decide(deps, batch.id, now);
    return;
  }
}

/** Rows whose look-up is older than 15 minutes (with a minute's margin) go back to `pending` for the re-check. */
async function markStaleRows(deps: TransferDeps, batch: Batch, now: Date): Promise<number> {
  const staleBefore = new Date(now.getTime() - inquiryFreshMs + freshnessMarginMs);
  return deps.db.transaction(
    async (tx) => {
      const current = await findBatch(tx, batch.id);
      if (!current || !isDue(current, now) || current.recheckRequestedAt !== null) return 0;
      const stale = await tx
        .update(batchRows)
        .set({ state: "pending", version: sql`${batchRows.version} + 1` })
        .where(
          and(
            eq(batchRows.batchId, batch.id),
            inArray(batchRows.state, ["ok", "unconfirmed"]),
            or(isNull(batchRows.checkedAt), lt(batchRows.checkedAt, staleBefore))!,
          ),
        )
        .returning({ id: batchRows.id });
      if (stale.length === 0) return 0;
      await tx
        .update(batches)
        .set({ recheckRequestedAt: now, recheckBy: current.approverId ?? current.makerId, updatedAt: now })
        .where(eq(batches.id, batch.id));
      await recordAudit(tx, { actor: null, action: "batch.recheck", target: { type: "batch", id: batch.id }, after: { rows: stale.length, scheduled: true }, at: now });
      return stale.length;
    },
  );
}

/**
 * After the re-check, in one transaction: the limits as they are now (an admin may have lowered them since the
 * approval), every wallet confirmed, and the same owner names as confirmed. If all hold it moves to `sending`;
 * otherwise nothing is sent: it is canceled by the system, with the reason, and so are its rows.
 */
async function decide(deps: TransferDeps, batchId: number, now: Date): Promise<void> {
  await deps.db.transaction(
    async (tx) => {
      // Read again in this transaction: still due, not being re-checked, and sending not paused on a deposit alert meanwhile.
      const batch = await findBatch(tx, batchId);
      if (!batch || !isDue(batch, now) || batch.recheckRequestedAt !== null || (await isSendingPaused(tx))) return;
      const rows = await tx
        .select({ line: batchRows.line, state: batchRows.state, ownerName: batchRows.ownerName, amount: batchRows.amount, confirmedName: transfers.ownerName })
        .from(batchRows)
        .innerJoin(transfers, eq(transfers.id, batchRows.transferId))
        .where(and(eq(batchRows.batchId, batch.id), ne(batchRows.state, "removed")))
        .orderBy(asc(batchRows.line));
      const reason = await withLocale("en", () => refusal(tx, batch, rows));
      if (reason) {
        const moved = await batchTransition(tx, batch.id, "scheduled", "canceled", { decidedAt: now, reason }, { ...system, at: now }, whileDue(now));
        if (moved) await transitionBatch(tx, batch.id, "approved", "canceled", { decidedAt: now, reason }, system, now);
        return;
      }
      const since = Math.max(batch.sendAt!.getTime(), (await lastResumedAt(tx))?.getTime() ?? 0);
      const late = now.getTime() - since > lateAfterMs;
      const moved = await batchTransition(tx, batch.id, "scheduled", "sending", late ? { pausedAt: now } : {}, { ...system, at: now, audit: { sendAt: batch.sendAt!.toISOString() } }, whileDue(now));
      if (moved && late) await recordAudit(tx, { actor: null, action: "batch.paused", target: { type: "batch", id: batch.id }, after: { stoppedAt: batch.sendAt!.toISOString(), scheduled: true }, at: now });
    },
  );
}

/** Still scheduled, due, and not being re-checked: the condition of both moves at the time. */
const whileDue = (now: Date) => and(lte(batches.sendAt, now), isNull(batches.recheckRequestedAt));

type Row = { line: number; state: string; ownerName: string | null; amount: number | null; confirmedName: string };

/** Why the batch cannot be sent now, in English as stored (lib/i18n/stored.ts), or null. */
async function refusal(tx: Parameters<typeof getLimits>[0], batch: Batch, rows: readonly Row[]): Promise<string | null> {
  const broken = await limitsStillHold(tx, await getLimits(tx), { makerId: batch.makerId, createdAt: batch.submittedAt ?? batch.createdAt, amounts: rows.map((r) => r.amount ?? 0) });
  if (broken) return inEnglish((t) => t("server.batches.schedule.notSent", { reason: broken }));
  const lines = (list: readonly Row[]) => list.slice(0, 10).map((r) => String(r.line)).join(", ");
  const unconfirmed = rows.filter((r) => r.state !== "ok");
  if (unconfirmed.length > 0) return inEnglish((t) => t("server.batches.schedule.notSentUnconfirmed", { count: unconfirmed.length, lines: lines(unconfirmed) }));
  const drift = rows.filter((r) => r.ownerName !== null && !sameName(r.ownerName, r.confirmedName));
  if (drift.length > 0) return inEnglish((t) => t("server.batches.schedule.notSentRenamed", { count: drift.length, lines: lines(drift) }));
  return null;
}
