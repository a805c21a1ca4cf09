// use-intl/core, not next-intl: scripts (npm run admin:create, audit:verify, totp, reconcile) run with the react-server condition, where next-intl's entry needs React's client API.
import { createTranslator } from "use-intl/core";
import { currentLocale } from "./current";
import { timeZone, type Locale } from "./locales";
import { messagesOf } from "./messages";

/**
 * What the server says to a person (action results, validation messages), from messages/*.json (mostly its `server` namespace):
 * `msg("server.action.forbidden")`, `msg("server.transfers.maxAmount", { amount })`; any namespace can be used (`msg("transferStatus.failed")`). In the language of `currentLocale()`.
 */
function translatorFor(locale: Locale) {
  return createTranslator({ locale, messages: messagesOf(locale), timeZone });
}

type ServerTranslator = ReturnType<typeof translatorFor>;
const translators = new Map<Locale, ServerTranslator>();

/** The messages of one language, whatever the requester's: stored texts are written `translatorIn("en")`. */
export function translatorIn(locale: Locale): ServerTranslator {
  let found = translators.get(locale);
  if (!found) translators.set(locale, (found = translatorFor(locale)));
  return found;
}

export const msg = ((...args: Parameters<ServerTranslator>) => translatorIn(currentLocale())(...args)) as ServerTranslator;
