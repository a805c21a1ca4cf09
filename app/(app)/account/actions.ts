"use server";

import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { issueApiKey } from "@/lib/api/key-admin";
import { issueApiKeySchema } from "@/lib/api/key-schema";
import { anyone, authorizedAction, managers } from "@/lib/auth/action";
import { clientIp } from "@/lib/auth/client-ip";
import { signOut } from "@/lib/auth/nextauth";
import { regenerateRecoveryCodes } from "@/lib/auth/second-factor";
import { checkSession, revokeAllSessions } from "@/lib/auth/session";
import { locales } from "@/lib/i18n/locales";
import { ok } from "@/lib/result";
import { saveUserLocale, setLocaleCookie } from "@/lib/users/language";
import { notificationKinds } from "@/db/schema";
import { saveMailPreferences } from "@/lib/users/mail-preferences";
import { msg } from "@/lib/i18n/translate";

/** New recovery codes replace the old ones: a fresh second-factor code is needed (docs/sign-in.md#step-up). */
export const regenerateRecoveryCodesAction = authorizedAction(
  { name: "auth.recovery_codes", roles: anyone, schema: z.object({}), stepUp: true, revalidate: ["/account"] },
  async (_input, { db, user, ip }) => {
    const check = await checkSession();
    return regenerateRecoveryCodes({ db, user, ip, sessionId: check.status === "ok" ? check.session.id : null });
  },
);

/** Ends every session of the person, this one included (a lost laptop, a shared computer). */
export async function signOutEverywhereAction(): Promise<void> {
  const check = await checkSession();
  if (check.status === "ok" || check.status === "incomplete") await revokeAllSessions(check.user, clientIp(await headers()));
  await signOut({ redirectTo: "/login?reason=signed-out-everywhere" });
}

/**
 * My account's language (docs/language.md#choosing-the-language): saved on the account, so it follows the
 * person to another browser at sign-in, and set in this browser's cookie at once; audited as user.language.
 */
export const saveLanguageAction = authorizedAction(
  { name: "user.language", roles: anyone, schema: z.object({ locale: z.enum(locales) }), revalidate: ["/account"] },
  async ({ locale }, { db, user, ip }) => {
    await saveUserLocale({ db, actor: user, ip }, locale);
    await setLocaleCookie(locale);
    const t = await getTranslations({ locale, namespace: "language" });
    return ok(null, t("saved"));
  },
);

/** My account's e-mail notifications (docs/notifications.md#turning-mails-off): the kinds turned off; audited as user.mail_preferences. */
export const saveMailPreferencesAction = authorizedAction(
  {
    name: "user.mail_preferences",
    roles: anyone,
    schema: z.object({ off: z.array(z.enum(notificationKinds)).max(notificationKinds.length) }).strict(),
    revalidate: ["/account"],
  },
  async ({ off }, { db, user, ip }) => {
    await saveMailPreferences({ db, actor: user, ip }, off);
    return ok(null, msg("notifications.saved"));
  },
);

/**
 * My account: a manager shows an approve key an admin made for them (docs/api.md#keys), after a fresh two-step code;
 * the key is in the answer once and nowhere else; audited as api_key.issued.
 */
export const issueApiKeyAction = authorizedAction(
  { name: "api_key.issue", roles: managers, stepUp: true, auditInvalid: true, schema: issueApiKeySchema, revalidate: ["/admin/api-keys"] },
  (input, { db, user, ip }) => issueApiKey(db, { actor: user, ip }, input, new Date()),
);
