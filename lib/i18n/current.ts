import { toLocale, type Locale } from "./locales";

// On globalThis, not in a module variable: a bundler or test runner may load this module more than once (one
// copy per chunk), and every copy must see the one source the server registered.
const sourceKey = Symbol.for("cashin-payouts.localeSource");
type Registry = { [sourceKey]?: () => Locale | undefined };

/** Server side: where the language of the request being served is kept (lib/i18n/request-locale.ts registers it). */
export function setServerLocaleSource(source: () => Locale | undefined): void {
  (globalThis as Registry)[sourceKey] = source;
}

/**
 * The language a message made now should be in: the request's on the server (a server action or route
 * handler wrapped in `withRequestLocale`), the page's `<html lang>` in the browser (form validation), and
 * English where no person reads it right away (scripts, background jobs, unit tests, logs).
 */
export function currentLocale(): Locale {
  const fromServer = (globalThis as Registry)[sourceKey]?.();
  if (fromServer) return fromServer;
  if (typeof document !== "undefined") return toLocale(document.documentElement.lang);
  return "en";
}
