import { toLocale, type Locale } from "./locales";

let serverSource: (() => Locale | undefined) | undefined;

/** Server side: where the language of the request being served is kept (lib/i18n/request-locale.ts registers it). */
export function setServerLocaleSource(source: () => Locale | undefined): void {
  serverSource = source;
}

/**
 * The language a message made now should be in: the request's on the server (a server action or route
 * handler wrapped in `withRequestLocale`), the page's `<html lang>` in the browser (form validation), and
 * English where no person reads it right away (scripts, background jobs, unit tests, logs).
 */
export function currentLocale(): Locale {
  const fromServer = serverSource?.();
  if (fromServer) return fromServer;
  if (typeof document !== "undefined") return toLocale(document.documentElement.lang);
  return "en";
}
