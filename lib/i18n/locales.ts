/**
 * The interface speaks Bahasa Indonesia (the default) and English (docs/language.md). The choice travels in
 * one cookie: set on the sign-in page, from My account, and at sign-in from the person's saved choice.
 */
export const locales = ["id", "en"] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = "id";
export const localeCookie = "locale";
/** Every time a person reads is Jakarta's (WIB), whatever the server's or the browser's zone. */
export const timeZone = "Asia/Jakarta";
/** A year: the choice outlives sessions (it says nothing about who is signed in). */
export const localeCookieMaxAgeSeconds = 365 * 24 * 60 * 60;

/** Anything that is not one of ours (an old cookie, a typed URL, a forged value) is Indonesian. */
export function toLocale(value: unknown): Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value) ? (value as Locale) : defaultLocale;
}

/** How each language names itself on the pickers. */
export const localeNames: Record<Locale, string> = { id: "Bahasa Indonesia", en: "English" };
