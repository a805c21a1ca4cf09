import en from "@/messages/en.json";
import id from "@/messages/id.json";
import type { Locale } from "./locales";

/** English is the reference shape: a key missing from either file fails test/i18n/messages.test.ts. */
export type Messages = typeof en;

const catalogs: Record<Locale, Messages> = { id, en };

export function messagesOf(locale: Locale): Messages {
  return catalogs[locale];
}
