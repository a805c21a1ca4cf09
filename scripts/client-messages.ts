import { writeFileSync } from "node:fs";
import { clientMessages } from "@/lib/i18n/client-messages";
import { locales } from "@/lib/i18n/locales";

/**
 * `npm run messages`: writes messages/client/<language>.json, the parts of the catalog that client components ask for
 * (docs/language.md#where-the-words-live). Run it after changing messages/*.json; test/i18n/client-messages.test.ts fails
 * while they differ from what this would write.
 */
export function clientCatalogText(locale: (typeof locales)[number]): string {
  return `${JSON.stringify(clientMessages(locale), null, 2)}\n`;
}

if (process.argv[1]?.endsWith("client-messages.ts")) {
  for (const locale of locales) writeFileSync(`messages/client/${locale}.json`, clientCatalogText(locale));
  console.log(`Wrote messages/client/{${locales.join(",")}}.json`);
}
