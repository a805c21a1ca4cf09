import { and, eq, ne } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { notifications, users, type NotificationKind } from "@/db/schema";

/**
 * Writing to the notification outbox (docs/notifications.md#the-outbox). Called inside the transaction
 * that makes the change, so a notification exists exactly when its change does: a crash after the commit
 * leaves it for the mailer, a rollback takes it away. `on conflict do nothing` keeps each event to each
 * person once, however often it is written.
 */

export type NotificationEvent =
  | "transfer.awaiting_approval"
  | "transfer.approval_reminder"
  | "transfer.approved"
  | "transfer.rejected"
  | "transfer.failed"
  | "transfer.expired"
  | "batch.awaiting_approval"
  | "batch.approval_reminder"
  | "batch.approved"
  | "batch.rejected"
  | "batch.expired"
  | "sending.paused"
  | "api_key.created";

/** What a notification is about; `round` tells apart the times a transfer waits for approval (its queue time in ms), else 0. */
export type Subject = { type: "transfer" | "batch" | "pause" | "api_key"; id: number; round?: number };

/** Which kind (the My account switch) each event belongs to. */
export const kindOf: Record<NotificationEvent, NotificationKind> = {
  "transfer.awaiting_approval": "waiting",
  "batch.awaiting_approval": "waiting",
  "transfer.approval_reminder": "reminder",
  "batch.approval_reminder": "reminder",
  "transfer.approved": "decided",
  "transfer.rejected": "decided",
  "batch.approved": "decided",
  "batch.rejected": "decided",
  "transfer.failed": "failed",
  "transfer.expired": "failed",
  "batch.expired": "failed",
  "sending.paused": "deposit",
  // No kind is a security notice that cannot be turned off: told with what was decided for the person.
  "api_key.created": "decided",
};

/** The outbox rows for `userIds`, each told once: a row already written for the same event, subject, round and person stays. */
async function enqueue(tx: Tx, event: NotificationEvent, subject: Subject, userIds: number[], at: Date): Promise<number> {
  if (userIds.length === 0) return 0;
  const rows = userIds.map((userId) => ({
    event,
    kind: kindOf[event],
    subjectType: subject.type,
    subjectId: subject.id,
    round: subject.round ?? 0,
    userId,
    state: "pending" as const,
    createdAt: at,
    nextAttemptAt: at,
  }));
  return (await tx.insert(notifications).values(rows).onConflictDoNothing().returning({ id: notifications.id })).length;
}

/** The ids of the active people of `role`, but `except`. */
async function activeOf(tx: Tx, role: "manager" | "admin", except?: number): Promise<number[]> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, role), eq(users.active, true), except === undefined ? undefined : ne(users.id, except)));
  return rows.map((row) => row.id);
}

/** Tells every active manager but `makerId` (who cannot approve their own work) that `subject` waits for them. */
export async function notifyApprovers(tx: Tx, event: "transfer.awaiting_approval" | "transfer.approval_reminder" | "batch.awaiting_approval" | "batch.approval_reminder", subject: Subject, makerId: number, at: Date): Promise<number> {
  return enqueue(tx, event, subject, await activeOf(tx, "manager", makerId), at);
}

/** Tells one person (a maker) of what happened to their transfer or batch. */
export async function notifyPerson(tx: Tx, event: NotificationEvent, subject: Subject, userId: number, at: Date): Promise<void> {
  await enqueue(tx, event, subject, [userId], at);
}

/** Tells every active admin that sending is paused on a deposit alert (docs/deposit-alerts.md): one row per admin and pause. */
export async function notifyAdmins(tx: Tx, event: "sending.paused", subject: Subject, at: Date): Promise<number> {
  return enqueue(tx, event, subject, await activeOf(tx, "admin"), at);
}
