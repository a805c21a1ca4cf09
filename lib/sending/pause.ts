import { and, desc, eq, isNull, max } from "drizzle-orm";
import { first, type Db, type DbOrTx, type Tx } from "@/db/client";
import { policies, sendingPauses, transfers, users } from "@/db/schema";
import type { PersonContext } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/record";
import { msg } from "@/lib/i18n/translate";
import { notifyAdmins } from "@/lib/notifications/outbox";
import { fail, ok, type ActionResult } from "@/lib/result";

/**
 * Deposit alerts (docs/deposit-alerts.md): when Cash In refuses a top-up because the merchant's deposit is too low
 * (4033814, `insufficient_funds`), sending pauses until an admin resumes it. The state is the `sending_pauses` table: a
 * row without `resumed_at` is the one open pause, and while it is open no top-up leaves (`sendTransfer` claims nothing).
 * Whether a refusal opens a pause is the admin policy `deposit_alerts` (on unless turned off).
 *
 * Below the transfer domain: it knows no transfer rules, only the table, the policy, the audit trail and the outbox.
 */

export const depositAlertsKey = "deposit_alerts";

/** The Cash In refusal that opens a pause: the merchant's deposit is too low. */
export const depositTooLow = "insufficient_funds";

type StoredPolicy = { on: boolean };

/** Whether a "deposit too low" answer pauses sending: on unless an admin turned it off. */
export async function depositAlertsOn(db: DbOrTx): Promise<boolean> {
  const stored = (await first(db.select({ value: policies.value }).from(policies).where(eq(policies.key, depositAlertsKey)).limit(1)))?.value as Partial<StoredPolicy> | undefined;
  return stored?.on !== false;
}

/** Turns deposit alerts on or off, audited (`policy.deposit_alerts`). An open pause stays open either way: only a resume ends it. */
export async function setDepositAlerts({ db, actor, ip }: { db: Db } & PersonContext, { on }: { on: boolean }): Promise<ActionResult<{ on: boolean }>> {
  return db.transaction(
    async (tx) => {
      const before = await depositAlertsOn(tx);
      if (before === on) return ok({ on }, msg("server.sending.policyUnchanged"));
      const now = new Date();
      const value: StoredPolicy = { on };
      await tx
        .insert(policies)
        .values({ key: depositAlertsKey, value, updatedAt: now, updatedBy: actor.id })
        .onConflictDoUpdate({ target: policies.key, set: { value, updatedAt: now, updatedBy: actor.id } });
      await recordAudit(tx, { actor, action: "policy.deposit_alerts", target: { type: "settings", id: depositAlertsKey }, before: { on: before }, after: { on }, ip, at: now });
      return ok({ on }, msg(on ? "server.sending.policyOn" : "server.sending.policyOff"));
    },
  );
}

/** Whether sending is paused now. Read inside the claim's transaction, so a claim and a pause never interleave. */
export async function isSendingPaused(db: DbOrTx): Promise<boolean> {
  return (await first(db.select({ id: sendingPauses.id }).from(sendingPauses).where(isNull(sendingPauses.resumedAt)).limit(1))) !== undefined;
}

export type PauseView = {
  id: number;
  startedAt: Date;
  code: string;
  transferId: number | null;
  reference: string | null;
  resumedAt: Date | null;
  resumedByName: string | null;
};

function pauseViews(db: DbOrTx) {
  return db
    .select({
      id: sendingPauses.id,
      startedAt: sendingPauses.startedAt,
      code: sendingPauses.code,
      transferId: sendingPauses.transferId,
      reference: transfers.reference,
      resumedAt: sendingPauses.resumedAt,
      resumedByName: users.name,
    })
    .from(sendingPauses)
    .leftJoin(transfers, eq(transfers.id, sendingPauses.transferId))
    .leftJoin(users, eq(users.id, sendingPauses.resumedBy))
    .$dynamic();
}

/** The open pause, with the reference of the transfer whose answer opened it; null while sending is active. */
export async function openPause(db: DbOrTx): Promise<PauseView | null> {
  return (await first(pauseViews(db).where(isNull(sendingPauses.resumedAt)).orderBy(desc(sendingPauses.id)).limit(1))) ?? null;
}

/** The newest pauses, open or ended, for the admin's Sending page. */
export async function recentPauses(db: DbOrTx, limit = 20): Promise<PauseView[]> {
  return pauseViews(db).orderBy(desc(sendingPauses.id)).limit(limit);
}

/**
 * Called inside the transaction that records a top-up refused because the deposit is too low: opens the pause when the
 * policy is on and none is open (read and written in one transaction, so however many refusals race, one pause opens), audits it
 * (`sending.paused`, by the system, with the transfer's reference) and tells every active admin through the outbox.
 * Returns whether this refusal opened it.
 */
export async function pauseOnDepositAlert(tx: Tx, { transferId, reference, code, at }: { transferId: number; reference: string; code: string; at: Date }): Promise<boolean> {
  if (!(await depositAlertsOn(tx))) return false;
  // Inside the caller's transaction, which runs as if alone: the open pause read here is still the only truth when the insert lands.
  if (await first(tx.select({ id: sendingPauses.id }).from(sendingPauses).where(isNull(sendingPauses.resumedAt)).limit(1))) return false;
  const opened = await first(tx.insert(sendingPauses).values({ startedAt: at, code, transferId }).returning({ id: sendingPauses.id }));
  if (!opened) return false;
  await recordAudit(tx, { actor: null, action: "sending.paused", target: { type: "sending", id: opened.id }, after: { reference, transferId, code }, at });
  await notifyAdmins(tx, "sending.paused", { type: "pause", id: opened.id }, at);
  return true;
}

/**
 * An admin resumes sending (one click, audited `sending.resumed`): the open pause ends, in one conditional update, so two
 * admins clicking together resume it once. Nothing refused is sent again: each refused transfer stays failed and can be
 * retried once by a person; what waits (approved transfers, a batch's remaining rows) goes out on the next pass.
 */
export async function resumeSending({ db, actor, ip }: { db: Db } & PersonContext, { pauseId }: { pauseId: number }, now = new Date()): Promise<ActionResult<{ pauseId: number }>> {
  return db.transaction(
    async (tx) => {
      const pause = await first(tx.select().from(sendingPauses).where(eq(sendingPauses.id, pauseId)).limit(1));
      if (!pause) return fail("not_found", msg("server.sending.noSuchPause"));
      const resumed = await first(
        tx
          .update(sendingPauses)
          .set({ resumedAt: now, resumedBy: actor.id })
          .where(and(eq(sendingPauses.id, pauseId), isNull(sendingPauses.resumedAt)))
          .returning({ id: sendingPauses.id }),
      );
      if (!resumed) return fail("conflict", msg("server.sending.alreadyResumed"));
      await recordAudit(tx, {
        actor,
        action: "sending.resumed",
        target: { type: "sending", id: pauseId },
        before: { pausedAt: pause.startedAt.toISOString(), code: pause.code, transferId: pause.transferId },
        after: { resumedAt: now.toISOString() },
        ip,
        at: now,
      });
      return ok({ pauseId }, msg("server.sending.resumed"));
    },
  );
}

/** When the last pause ended, or null: a batch that waited for it counts as stopped only from then. */
export async function lastResumedAt(db: DbOrTx): Promise<Date | null> {
  return (await first(db.select({ at: max(sendingPauses.resumedAt) }).from(sendingPauses)))?.at ?? null;
}
