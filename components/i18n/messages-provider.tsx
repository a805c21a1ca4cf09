"use client";

import { NextIntlClientProvider } from "next-intl";
import type { ReactNode } from "react";
import { timeZone, type Locale } from "@/lib/i18n/locales";
import en from "@/messages/client/en.json";
import id from "@/messages/client/id.json";

const catalogs: Record<Locale, typeof en> = { id, en };

/**
 * The words of client components (docs/language.md#where-the-words-live): the parts of the catalog they ask for, in a
 * script the browser fetches once and keeps (messages/client/, written by `npm run messages`), not in every page's
 * payload, where the same ~45 KB were serialized, sent and parsed again on each request and each navigation.
 */
export function MessagesProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return (
    <NextIntlClientProvider locale={locale} messages={catalogs[locale]} timeZone={timeZone}>
      {children}
    </NextIntlClientProvider>
  );
}
