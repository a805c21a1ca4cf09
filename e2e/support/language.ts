import type { BrowserContext } from "@playwright/test";
import type { Locale } from "../../lib/i18n/locales";

/**
 * The interface defaults to Bahasa Indonesia; most specs read it in English (the playwright config's
 * storageState), the Indonesian ones say so with `test.use({ storageState: languageState("id") })`.
 */
export function languageState(locale: Locale) {
  return {
    cookies: [{ name: "locale", value: locale, domain: "localhost", path: "/", expires: -1, httpOnly: false, secure: false, sameSite: "Lax" as const }],
    origins: [],
  };
}

export async function setLanguage(context: BrowserContext, locale: Locale): Promise<void> {
  await context.addCookies(languageState(locale).cookies);
}
