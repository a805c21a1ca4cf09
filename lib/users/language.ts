import "server-only";
import { eq } from "drizzle-orm";
import { cookies } from "next/headers";
import { first, type Db } from "@/db/client";
import { users } from "@/db/schema";
import type { Person } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/record";
import { authConfig } from "@/lib/auth/auth.config";
import { localeCookie, localeCookieMaxAgeSeconds, type Locale } from "@/lib/i18n/locales";

/**
 * A person's own language (docs/language.md#choosing-the-language): saved on their account, so that it
 * follows them to another browser at sign-in. The change and its audit entry land in one transaction.
 */
export async function saveUserLocale({ db, actor, ip }: { db: Db; actor: Person; ip: string | null }, locale: Locale): Promise<void> {
  await db.transaction(
    async (tx) => {
      const before = await first(tx.select({ locale: users.locale }).from(users).where(eq(users.id, actor.id)).limit(1));
      if (!before || before.locale === locale) return;
      await tx.update(users).set({ locale, updatedAt: new Date() }).where(eq(users.id, actor.id));
      await recordAudit(tx, { actor, action: "user.language", target: { type: "user", id: actor.id }, before: { locale: before.locale }, after: { locale }, ip });
    },
  );
}

/**
 * The browser's `locale` cookie, read by every later request (lib/i18n/request.ts). Only a `Locale` gets
 * here: callers pass what toLocale() made of their input. Not httpOnly (it names a language, nothing
 * secret); Secure where the session cookie is.
 */
export async function setLocaleCookie(locale: Locale): Promise<void> {
  (await cookies()).set(localeCookie, locale, {
    path: "/",
    maxAge: localeCookieMaxAgeSeconds,
    sameSite: "lax",
    httpOnly: false,
    secure: authConfig.useSecureCookies,
  });
}
