import { formatFor, type Format } from "@/lib/format";
import { currentLocale } from "@/lib/i18n/current";
import { msg, translatorIn } from "@/lib/i18n/translate";

/**
 * A message that is both told and kept: the person who caused it reads it now in their language (`say`), and the
 * audit trail or a stored answer keeps it in English (`inEnglish`), for whoever reads it later in theirs. Isomorphic:
 * the shared schemas use it too.
 */
export type Translator = typeof msg;
export type Words = (t: Translator, format: Format) => string;

const english: Translator = translatorIn("en");

/** In the language of `currentLocale()`: the requester's inside an action. */
export function say(words: Words): string {
  return words(msg, formatFor(currentLocale()));
}

/** In English, as stored. */
export function inEnglish(words: Words): string {
  return words(english, formatFor("en"));
}
