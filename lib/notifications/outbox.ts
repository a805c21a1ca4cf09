import { sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { NotificationKind } from "@/db/schema";

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

/** Tells every active manager but `makerId` (who cannot approve their own work) that `subject` waits for them. */
export async function notifyApprovers(tx: Tx, event: "transfer.awaiting_approval" | "transfer.approval_reminder" | "batch.awaiting_approval" | "batch.approval_reminder", subject: Subject, makerId: number, at: Date): Promise<number> {
  return tx.run(sql`
    insert into notifications (event, kind, subject_type, subject_id, round, user_id, state, created_at, next_attempt_at)
    select ${event}, ${kindOf[event]}, ${subject.type}, ${subject.id}, ${subject.round ?? 0}, id, 'pending', ${at.getTime()}, ${at.getTime()}
    from users where role = 'manager' and active = 1 and id <> ${makerId}
    on conflict do nothing`).changes;
}

/** Tells one person (a maker) of what happened to their transfer or batch. */
export async function notifyPerson(tx: Tx, event: NotificationEvent, subject: Subject, userId: number, at: Date): Promise<void> {
  tx.run(sql`
    insert into notifications (event, kind, subject_type, subject_id, round, user_id, state, created_at, next_attempt_at)
    values (${event}, ${kindOf[event]}, ${subject.type}, ${subject.id}, ${subject.round ?? 0}, ${userId}, 'pending', ${at.getTime()}, ${at.getTime()})
    on conflict do nothing`);
}

/** Tells every active admin that sending is paused on a deposit alert (docs/deposit-alerts.md): one row per admin and pause. */
export async function notifyAdmins(tx: Tx, event: "sending.paused", subject: Subject, at: Date): Promise<number> {
  return tx.run(sql`
    insert into notifications (event, kind, subject_type, subject_id, round, user_id, state, created_at, next_attempt_at)
    select ${event}, ${kindOf[event]}, ${subject.type}, ${subject.id}, ${subject.round ?? 0}, id, 'pending', ${at.getTime()}, ${at.getTime()}
    from users where role = 'admin' and active = 1
    on conflict do nothing`).changes;
}
