import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { cookies } from "next/headers";
import { setServerLocaleSource } from "./current";
import { localeCookie, toLocale, type Locale } from "./locales";

// One store per process, even if this module is loaded more than once (see lib/i18n/current.ts).
const storeKey = Symbol.for("cashin-payouts.localeStore");
const registry = globalThis as { [storeKey]?: AsyncLocalStorage<Locale> };
const store = (registry[storeKey] ??= new AsyncLocalStorage<Locale>());
setServerLocaleSource(() => store.getStore());

/** The language of the person making this request (their `locale` cookie, Indonesian by default). */
export async function requestLocale(): Promise<Locale> {
  return toLocale((await cookies()).get(localeCookie)?.value);
}

/** Runs a server action or route handler so that the messages it makes (lib/i18n/translate.ts) are in the requester's language. */
export async function withRequestLocale<T>(run: () => Promise<T>): Promise<T> {
  return store.run(await requestLocale(), run);
}

/** The same for a language known otherwise (tests; later, a mail to a person in their saved language). */
export function withLocale<T>(locale: Locale, run: () => T): T {
  return store.run(locale, run);
}
