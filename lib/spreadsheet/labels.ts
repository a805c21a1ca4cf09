import { createTranslator } from "use-intl/core";
import type { Locale } from "@/lib/i18n/locales";
import { messagesOf } from "@/lib/i18n/messages";

/**
 * The `exports` messages (column headers, sheet names, the batch template, spreadsheet refusals) in one
 * language. Route handlers pass the reader's language (`requestLocale()`, the `locale` cookie); the builders
 * take it as an argument, so they run the same outside a request (unit tests, scripts).
 */
export function exportsTranslator(locale: Locale) {
  return createTranslator({ locale, messages: messagesOf(locale), namespace: "exports" });
}

export type ExportsTranslator = ReturnType<typeof exportsTranslator>;

