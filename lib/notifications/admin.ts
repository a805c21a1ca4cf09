import { desc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { mails, notifications, users } from "@/db/schema";

/** The admin's Mail page (docs/notifications.md#the-mail-page): the newest mails, and what is not sent yet or was given up. */

export const mailsShown = 100;

export async function latestMails(db: Db) {
  return db.select().from(mails).orderBy(desc(mails.createdAt), desc(mails.id)).limit(mailsShown);
}

export type MailListItem = Awaited<ReturnType<typeof latestMails>>[number];

export async function unsentNotices(db: Db) {
  return db
    .select({
      id: notifications.id,
      event: notifications.event,
      kind: notifications.kind,
      state: notifications.state,
      createdAt: notifications.createdAt,
      attempts: notifications.attempts,
      nextAttemptAt: notifications.nextAttemptAt,
      lastError: notifications.lastError,
      email: users.email,
    })
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.userId))
    .where(inArray(notifications.state, ["pending", "sending", "failed"]))
    .orderBy(desc(notifications.id))
    .limit(200);
}

export type UnsentNotice = Awaited<ReturnType<typeof unsentNotices>>[number];
