import { eq } from "drizzle-orm";
import { first, type Db } from "@/db/client";
import { notificationKinds, users, type NotificationKind, type Role } from "@/db/schema";
import type { Person } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/record";

/**
 * The kinds of mail a role can receive (docs/notifications.md#who-is-told-what): only managers approve; only admins are
 * told that sending paused on a deposit alert (docs/deposit-alerts.md).
 */
export function mailKindsFor(role: Role): readonly NotificationKind[] {
  return notificationKinds.filter((kind) => (kind === "waiting" || kind === "reminder" ? role === "manager" : kind === "deposit" ? role === "admin" : true));
}

/**
 * A person's own switches for notification mails (docs/notifications.md#turning-mails-off): the kinds turned
 * off, saved on their account with an audit entry in one transaction. The mailer reads them when it sends.
 */
export async function saveMailPreferences({ db, actor, ip }: { db: Db; actor: Person; ip: string | null }, off: readonly NotificationKind[]): Promise<void> {
  const next = notificationKinds.filter((kind) => off.includes(kind));
  await db.transaction(
    async (tx) => {
      const before = await first(tx.select({ mailOff: users.mailOff }).from(users).where(eq(users.id, actor.id)).limit(1));
      if (!before || before.mailOff.join() === next.join()) return;
      await tx.update(users).set({ mailOff: next, updatedAt: new Date() }).where(eq(users.id, actor.id));
      await recordAudit(tx, { actor, action: "user.mail_preferences", target: { type: "user", id: actor.id }, before: { off: before.mailOff }, after: { off: next }, ip });
    },
  );
}
