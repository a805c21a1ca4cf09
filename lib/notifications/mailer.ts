import { randomUUID } from "node:crypto";
import { and, asc, count, eq, gt, gte, inArray, isNull, lt, lte, max, or, sql } from "drizzle-orm";
import { first, type Db, type DbOrTx } from "@/db/client";
import { batches, mails, notifications, sendingPauses, transfers, users, type Notification, type NotificationKind, type User } from "@/db/schema";
import { getLimits } from "@/lib/transfers/settings";
import { composeMail } from "./compose";
import { notifyApprovers } from "./outbox";
import type { MailTransport } from "./transport";

/**
 * The mailer (docs/notifications.md#the-mailer): each pass adds the reminders that came due, then, person by
 * person, claims what is due for them, drops what is no longer true or turned off, and sends one mail per
 * kind. A claim is a lease: a mailer that dies mid-send leaves the rows to the next pass once it lapses, and
 * the resent mail carries the same Message-ID. A refused send is retried with growing delays for 24 hours.
 */

export type MailerDeps = {
  db: Db;
  now: () => Date;
  /** null: no SMTP server (`SMTP_URL` unset); mails are composed and held in the database for the admin's Mail page. */
  transport: MailTransport | null;
  /** Where links in mails point: the app's public origin. */
  appUrl: string;
  /** How long a claim holds before another pass may take the rows over. */
  leaseMs?: number;
};

export type MailerPass = { reminders: number; sent: number; held: number; skipped: number; dropped: number; retrying: number; failed: number };

/** At most one mail per person and kind in this long (the issue: waiting mails grouped, one per 5 minutes per manager). */
export const waitingGapMs = 5 * 60_000;
/** Reminders go this long before an approval expires. */
export const reminderLeadMs = 2 * 3_600_000;
/** A notice the SMTP server keeps refusing is given up after this long (state failed, listed for admins). */
export const giveUpAfterMs = 24 * 3_600_000;
const defaultLeaseMs = 2 * 60_000;

/** 30 s, 1 min, 2 min, 4 min… at most 30 min between attempts. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);
}

/**
 * Reminders for approvals that expire within `reminderLeadMs`: written once per manager and subject (the
 * outbox's unique index), so every pass may ask again. With an approval window of 2 hours or less the
 * "waiting" mail already says when it expires, and no reminder is sent.
 */
export async function enqueueReminders(db: Db, now: Date): Promise<number> {
  // A look on the reading connection first, so that a pass with nothing due takes no write lock.
  if (!(await dueForReminders(db, now))) return 0;
  return db.transaction(async (tx) => {
    // Read again inside the transaction: what still waits when the reminders are written (an approval may have come meanwhile).
    const due = await dueForReminders(tx, now);
    if (!due) return 0;
    let written = 0;
    for (const t of due.transfers) written += await notifyApprovers(tx, "transfer.approval_reminder", { type: "transfer", id: t.id, round: t.since.getTime() }, t.makerId, now);
    for (const b of due.batches) written += await notifyApprovers(tx, "batch.approval_reminder", { type: "batch", id: b.id }, b.makerId, now);
    return written;
  });
}

/** The transfers and batches whose approval expires within `reminderLeadMs`; null when there are none (or no reminders are sent). */
async function dueForReminders(db: DbOrTx, now: Date) {
  const windowMs = (await getLimits(db)).approvalWindowHours * 3_600_000;
  if (windowMs <= reminderLeadMs) return null;
  // Waiting since after `oldest` (not expired yet) and since before `remindFrom` (expires within the lead time).
  const oldest = now.getTime() - windowMs;
  const remindFrom = now.getTime() - windowMs + reminderLeadMs;
  const since = sql<Date>`coalesce(${transfers.queuedAt}, ${transfers.createdAt})`.mapWith(transfers.createdAt);
  // Times in SQL of our own go in encoded as the database keeps them (milliseconds in SQLite, timestamptz in PostgreSQL).
  const [after, upTo] = [new Date(oldest), new Date(remindFrom)];
  const dueTransfers = await db
    .select({ id: transfers.id, makerId: transfers.makerId, since })
    .from(transfers)
    .where(and(eq(transfers.status, "awaiting_approval"), isNull(transfers.batchId), gt(since, sql.param(after, transfers.createdAt)), lte(since, sql.param(upTo, transfers.createdAt))));
  const dueBatches = await db
    .select({ id: batches.id, makerId: batches.makerId })
    .from(batches)
    .where(and(eq(batches.status, "awaiting_approval"), gt(batches.submittedAt, after), lte(batches.submittedAt, upTo)));
  if (dueTransfers.length === 0 && dueBatches.length === 0) return null;
  return { transfers: dueTransfers, batches: dueBatches };
}

const due = (now: Date) =>
  or(and(eq(notifications.state, "pending"), lte(notifications.nextAttemptAt, now)), and(eq(notifications.state, "sending"), lt(notifications.leaseUntil, now)));

type Claimed = { user: User; claim: string; groups: Map<NotificationKind, Notification[]> };

/** Whether a waiting or reminder notice still tells the truth: its transfer or batch still waits for approval. */
async function stillWaiting(db: DbOrTx, rows: Notification[]): Promise<Set<number>> {
  const transferIds = rows.filter((r) => r.subjectType === "transfer").map((r) => r.subjectId);
  const batchIds = rows.filter((r) => r.subjectType === "batch").map((r) => r.subjectId);
  const waiting = new Set<string>();
  if (transferIds.length) {
    for (const t of await db.select({ id: transfers.id }).from(transfers).where(and(inArray(transfers.id, transferIds), eq(transfers.status, "awaiting_approval")))) waiting.add(`transfer:${t.id}`);
  }
  if (batchIds.length) {
    for (const b of await db.select({ id: batches.id }).from(batches).where(and(inArray(batches.id, batchIds), eq(batches.status, "awaiting_approval")))) waiting.add(`batch:${b.id}`);
  }
  return new Set(rows.filter((r) => waiting.has(`${r.subjectType}:${r.subjectId}`)).map((r) => r.id));
}

async function stillPaused(db: DbOrTx, rows: Notification[]): Promise<Set<number>> {
  const ids = rows.map((r) => r.subjectId);
  if (ids.length === 0) return new Set();
  const open = new Set((await db.select({ id: sendingPauses.id }).from(sendingPauses).where(and(inArray(sendingPauses.id, ids), isNull(sendingPauses.resumedAt)))).map((p) => p.id));
  return new Set(rows.filter((r) => open.has(r.subjectId)).map((r) => r.id));
}

async function claimFor(db: Db, userId: number, now: Date, leaseMs: number, pass: MailerPass): Promise<Claimed | null> {
  // The transaction answers what it did rather than count into `pass`: on PostgreSQL it may run twice.
  const { claimed, done } = await db.transaction(
    async (tx): Promise<{ claimed: Claimed | null; done: Record<"skipped" | "dropped", number> }> => {
      const done = { skipped: 0, dropped: 0 };
      const answer = (claimed: Claimed | null) => ({ claimed, done });
      const rows = await tx.select().from(notifications).where(and(eq(notifications.userId, userId), due(now))).orderBy(asc(notifications.id)).limit(500);
      if (rows.length === 0) return answer(null);
      const finish = async (ids: number[], state: "skipped" | "dropped") => {
        if (ids.length === 0) return;
        await tx.update(notifications).set({ state, doneAt: now, claim: null, leaseUntil: null }).where(inArray(notifications.id, ids));
        done[state] += ids.length;
      };
      const user = await first(tx.select().from(users).where(eq(users.id, userId)).limit(1));
      if (!user || !user.active) {
        await finish(
          rows.map((r) => r.id),
          "dropped",
        );
        return answer(null);
      }
      const off = new Set(user.mailOff);
      await finish(
        rows.filter((r) => off.has(r.kind)).map((r) => r.id),
        "skipped",
      );
      let wanted = rows.filter((r) => !off.has(r.kind));
      const asking = wanted.filter((r) => r.kind === "waiting" || r.kind === "reminder");
      // Only a manager is asked to approve: someone no longer one is not told what waits (amounts, names, numbers).
      const current = user.role === "manager" ? await stillWaiting(tx, asking) : new Set<number>();
      await finish(
        asking.filter((r) => !current.has(r.id)).map((r) => r.id),
        "dropped",
      );
      wanted = wanted.filter((r) => !(r.kind === "waiting" || r.kind === "reminder") || current.has(r.id));
      // A deposit alert (docs/deposit-alerts.md) is told only to an admin, and only while its pause is still open.
      const alerts = wanted.filter((r) => r.kind === "deposit");
      const open = user.role === "admin" ? await stillPaused(tx, alerts) : new Set<number>();
      await finish(
        alerts.filter((r) => !open.has(r.id)).map((r) => r.id),
        "dropped",
      );
      wanted = wanted.filter((r) => r.kind !== "deposit" || open.has(r.id));

      // At most one mail per person and kind in 5 minutes (a failing batch is one mail, not one per row): newer
      // notices wait for the gap and go together. A mail of that kind still being sent by another mailer counts too.
      for (const kind of new Set(wanted.map((r) => r.kind))) {
        const last = (await first(
          tx
            .select({ at: max(mails.createdAt) })
            .from(mails)
            .where(and(eq(mails.userId, userId), eq(mails.kind, kind))),
        ))?.at;
        const inFlight = (await first(
          tx
            .select({ n: count() })
            .from(notifications)
            .where(and(eq(notifications.userId, userId), eq(notifications.kind, kind), eq(notifications.state, "sending"), gte(notifications.leaseUntil, now))),
        ))!.n;
        const next = inFlight > 0 ? new Date(now.getTime() + waitingGapMs) : last && now.getTime() - last.getTime() < waitingGapMs ? new Date(last.getTime() + waitingGapMs) : null;
        if (!next) continue;
        const later = wanted.filter((r) => r.kind === kind).map((r) => r.id);
        await tx.update(notifications).set({ state: "pending", nextAttemptAt: next, claim: null, leaseUntil: null }).where(inArray(notifications.id, later));
        wanted = wanted.filter((r) => r.kind !== kind);
      }
      if (wanted.length === 0) return answer(null);
      const claim = randomUUID();
      await tx
        .update(notifications)
        .set({ state: "sending", claim, leaseUntil: new Date(now.getTime() + leaseMs) })
        .where(
          inArray(
            notifications.id,
            wanted.map((r) => r.id),
          ),
        );
      const groups = new Map<NotificationKind, Notification[]>();
      for (const row of wanted) groups.set(row.kind, [...(groups.get(row.kind) ?? []), row]);
      return answer({ user, claim, groups });
    },
  );
  pass.skipped += done.skipped;
  pass.dropped += done.dropped;
  return claimed;
}

/** Whether an SMTP error is a permanent refusal (a 5xx reply) rather than a server that is down or busy. */
function permanentRefusal(error: unknown): boolean {
  const code = typeof error === "object" && error !== null && "responseCode" in error ? Number((error as { responseCode: unknown }).responseCode) : NaN;
  return code >= 500 && code < 600;
}

/** One pass: reminders, then every person with something due. Never throws for one mail; a refused one is retried later. */
export async function deliverDue(deps: MailerDeps): Promise<MailerPass> {
  const { db, transport, appUrl } = deps;
  const leaseMs = deps.leaseMs ?? defaultLeaseMs;
  const pass: MailerPass = { reminders: await enqueueReminders(db, deps.now()), sent: 0, held: 0, skipped: 0, dropped: 0, retrying: 0, failed: 0 };
  const now = deps.now();
  const people = (await db.selectDistinct({ userId: notifications.userId }).from(notifications).where(due(now)).limit(1000)).map((r) => r.userId);
  const { approvalWindowHours } = await getLimits(db);
  for (const userId of people) {
    const claimed = await claimFor(db, userId, deps.now(), leaseMs, pass);
    if (!claimed) continue;
    for (const [kind, rows] of claimed.groups) {
      const ids = rows.map((r) => r.id);
      const ours = and(inArray(notifications.id, ids), eq(notifications.claim, claimed.claim));
      const mail = await composeMail(db, { user: claimed.user, kind, rows, appUrl, approvalWindowHours });
      if (!mail) {
        const at = deps.now();
        await db.transaction(async (tx) => {
          await tx.update(notifications).set({ state: "dropped", doneAt: at, claim: null, leaseUntil: null }).where(ours);
        });
        pass.dropped += ids.length;
        continue;
      }
      // The claim is renewed right before each send, and only when it is still whole: a mailer that lost rows to
      // another (its lease ran out) leaves them to it rather than send them a second time.
      const leaseUntil = new Date(deps.now().getTime() + leaseMs);
      const renewed = await db.transaction(
        async (tx) => (await tx.update(notifications).set({ leaseUntil }).where(and(ours, eq(notifications.state, "sending"))).returning({ id: notifications.id })).length,
      );
      if (renewed !== ids.length) continue;
      try {
        if (transport) await transport.send({ to: { name: claimed.user.name, address: claimed.user.email }, ...mail });
      } catch (error) {
        const at = deps.now();
        const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
        // A 5xx answer is the server's final word (no such mailbox, refused content): retrying cannot help.
        const permanent = permanentRefusal(error);
        const outcome = await db.transaction(async (tx) => {
          const counted = { failed: 0, retrying: 0 };
          for (const row of rows) {
            const attempts = row.attempts + 1;
            const givingUp = permanent || at.getTime() - row.createdAt.getTime() >= giveUpAfterMs;
            await tx
              .update(notifications)
              .set({
                state: givingUp ? "failed" : "pending",
                attempts,
                nextAttemptAt: new Date(at.getTime() + retryDelayMs(attempts)),
                lastError: reason,
                claim: null,
                leaseUntil: null,
                doneAt: givingUp ? at : null,
              })
              .where(and(eq(notifications.id, row.id), eq(notifications.claim, claimed.claim)));
            if (givingUp) counted.failed++;
            else counted.retrying++;
          }
          return counted;
        });
        pass.failed += outcome.failed;
        pass.retrying += outcome.retrying;
        continue;
      }
      const state = transport ? "sent" : "held";
      const at = deps.now();
      pass[state] += await db.transaction(async (tx) => {
        const [stored] = await tx
          .insert(mails)
          .values({ userId: claimed.user.id, kind, toAddress: claimed.user.email, subject: mail.subject, text: mail.text, html: mail.html, messageId: mail.messageId, state, createdAt: at })
          .returning({ id: mails.id });
        // Sent, so recorded; the rows are marked only while they are still this mailer's.
        return (await tx.update(notifications).set({ state, mailId: stored!.id, doneAt: at, claim: null, leaseUntil: null }).where(ours).returning({ id: notifications.id })).length;
      });
    }
  }
  return pass;
}
