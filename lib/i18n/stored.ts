import { formatFor } from "@/lib/format";
import type { Locale } from "./locales";
import { messagesOf, type Messages } from "./messages";
import { translatorIn } from "./translate";

/**
 * Texts the server stored in English (a transfer's failure reason, its last answer from Cash In, a batch row's
 * problem, a note in the audit trail: docs/language.md#what-the-server-says) read in the reader's language.
 *
 * Every such text is written from messages/en.json, so it can be read back: a text that is exactly one of our
 * fixed messages is that message; a text that fits the shape of one of our `server` messages with details in it
 * ("The maximum per transfer is Rp {max, number}: …") gets its details back and is worded again in the reader's
 * language, each detail read again too (an amount, a time, a number, or another stored text such as Cash In's
 * answer inside "No final answer … (last: …)"); texts made of several such sentences are read sentence by
 * sentence. Anything else (a reason a person typed, Cash In's own words, a message since reworded) is shown as
 * stored: English is never lost, only not translated.
 */

type Path = string[];
type Template = { path: Path; regex: RegExp; args: { name: string; numeric: boolean }[] };

const maxDepth = 3;
const cacheLimit = 5000;
/** Longer texts are not ours (ours are a few sentences): shown as stored, without the cost of reading them. */
const maxLength = 1000;
/** The most sentences one of our messages has: a run of sentences is never tried longer than this. */
const maxSentencesPerMessage = 4;

let fixed: { all: Map<string, Path>; sentences: Map<string, Path> } | undefined;
let templates: { byStart: Map<string, Template[]> } | undefined;
const cache: Record<Locale, Map<string, string>> = { id: new Map(), en: new Map() };

function walk(node: unknown, path: Path, visit: (text: string, path: Path) => void) {
  if (typeof node === "string") return visit(node, path);
  if (node && typeof node === "object") for (const [key, child] of Object.entries(node)) walk(child, [...path, key], visit);
}

/**
 * Messages that take nothing. `all`: any message, for a whole stored text (Cash In's refusal descriptions, fixed
 * notes). `sentences`: the server's messages of three words or more, for a part of a text or a detail, so that a
 * sentence a person wrote ("No.") is never taken for one of the interface's words.
 */
function fixedIndex() {
  if (fixed) return fixed;
  const all = new Map<string, Path>();
  const sentences = new Map<string, Path>();
  walk(messagesOf("en"), [], (text, path) => {
    if (text.includes("{")) return;
    if (!all.has(text)) all.set(text, path);
    if (path[0] === "server" && text.split(/\s+/).length >= 3 && !sentences.has(text)) sentences.set(text, path);
  });
  return (fixed = { all, sentences });
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const argPattern = /\{(\w+)(, number)?\}/g;
/** Characters a template must start with to be bucketed by them; shorter literal starts go to `anyStart`. */
const startLength = 4;

/**
 * One template per `server` message whose only arguments are plain (`{name}`) or numbers (`{name, number}`):
 * plurals, selects and rich text are never stored. A message must keep some words of its own besides its
 * arguments, and start with them, or it would claim sentences people write ("{name} is already {role}" would read
 * "The invoice is already paid" as one of ours).
 */
function templateIndex() {
  if (templates) return templates;
  const byStart = new Map<string, Template[]>();
  walk((messagesOf("en") as Messages).server, ["server"], (text, path) => {
    if (!text.includes("{")) return;
    const literal = text.replace(argPattern, "");
    if (/[{}<>]/.test(literal) || literal.replace(/\W/g, "").length < 8) return;
    const args: Template["args"] = [];
    const source = text
      .split(argPattern)
      .map((piece, index) => {
        // split() with two groups yields: literal, name, ", number" | undefined, literal, …
        if (index % 3 === 0) return escape(piece);
        if (index % 3 === 1) {
          args.push({ name: piece, numeric: false });
          return "([\\s\\S]+?)";
        }
        if (piece) args.at(-1)!.numeric = true;
        return "";
      })
      .join("");
    const template = { path, regex: new RegExp(`^${source}$`), args };
    const start = text.split(argPattern)[0]!;
    if (start.length < startLength) return;
    const key = start.slice(0, startLength);
    byStart.set(key, [...(byStart.get(key) ?? []), template]);
  });
  return (templates = { byStart });
}

const monthIndex = new Map(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].map((month, index) => [month, index]));
const englishDateTime = /^(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? WIB$/;
const englishNumber = /^-?\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^-?\d+(?:\.\d+)?$/;
const englishRupiah = /^Rp (\d{1,3}(?:,\d{3})*)$/;

function parseEnglishNumber(text: string): number | undefined {
  if (!englishNumber.test(text)) return undefined;
  const value = Number(text.replace(/,/g, ""));
  return Number.isFinite(value) ? value : undefined;
}

/** A detail taken out of an English text, worded again in `locale`. */
function detailIn(text: string, locale: Locale, depth: number): string {
  const format = formatFor(locale);
  const rupiah = englishRupiah.exec(text);
  if (rupiah) return format.rupiah(Number(rupiah[1]!.replace(/,/g, "")));
  const dateTime = englishDateTime.exec(text);
  if (dateTime) {
    const [, day, month, year, hours, minutes, seconds] = dateTime;
    // WIB is UTC+7 all year.
    const at = new Date(Date.UTC(Number(year), monthIndex.get(month!)!, Number(day), Number(hours) - 7, Number(minutes), Number(seconds ?? 0)));
    return format.dateTime(at, { seconds: seconds !== undefined });
  }
  // Thousands only: "1,234" → "1.234"; a short number or a code ("05", "4033814") reads the same everywhere.
  if (/^\d{1,3}(?:,\d{3})+$/.test(text)) return format.number(Number(text.replace(/,/g, "")));
  return translate(text, locale, depth + 1) ?? text;
}

function byTemplate(text: string, locale: Locale, depth: number): string | undefined {
  const candidates = templateIndex().byStart.get(text.slice(0, startLength)) ?? [];
  for (const { path, regex, args } of candidates) {
    const found = regex.exec(text);
    if (!found) continue;
    const values: Record<string, string | number> = {};
    let usable = true;
    args.forEach(({ name, numeric }, index) => {
      const value = found[index + 1]!;
      if (numeric) {
        const number = parseEnglishNumber(value);
        if (number === undefined) usable = false;
        else values[name] = number;
      } else values[name] = detailIn(value, locale, depth);
    });
    if (usable) return translatorIn(locale)(path.join(".") as never, values as never);
  }
  return undefined;
}

function byFixed(text: string, locale: Locale, part: boolean): string | undefined {
  const index = fixedIndex();
  const path = (part ? index.sentences : index.all).get(text);
  if (!path) return undefined;
  const found = path.reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), messagesOf(locale));
  return typeof found === "string" ? found : undefined;
}

/** Sentences as written: after . ! or ? (a closing quote or bracket may follow), before the next one. */
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?][”")]?)\s+(?=[A-Z“"(])/);
}

/** Several sentences, each one ours: the longest run of sentences that is one message wins at each step. */
function bySentences(text: string, locale: Locale, depth: number): string | undefined {
  const parts = sentences(text);
  if (parts.length < 2) return undefined;
  const out: string[] = [];
  let translated = false;
  for (let start = 0; start < parts.length; ) {
    let end = Math.min(parts.length, start + maxSentencesPerMessage);
    let words: string | undefined;
    for (; end > start; end--) {
      if (start === 0 && end === parts.length) continue; // the whole text was tried already
      words = whole(parts.slice(start, end).join(" "), locale, depth, true);
      if (words !== undefined) break;
    }
    if (words === undefined) {
      out.push(parts[start]!);
      start += 1;
    } else {
      out.push(words);
      translated = true;
      start = end;
    }
  }
  return translated ? out.join(" ") : undefined;
}

/**
 * One message, or one message given a full stop to stand as a sentence among others (a batch row's problems).
 * `part`: the text is a sentence or a detail of a longer text, not all of it.
 */
function whole(text: string, locale: Locale, depth: number, part: boolean): string | undefined {
  const words = byFixed(text, locale, part) ?? byTemplate(text, locale, depth);
  if (words !== undefined || !text.endsWith(".")) return words;
  const bare = text.slice(0, -1);
  const found = byFixed(bare, locale, true) ?? byTemplate(bare, locale, depth);
  return found === undefined || /[.!?]$/.test(found) ? found : `${found}.`;
}

function translate(text: string, locale: Locale, depth: number): string | undefined {
  if (depth > maxDepth || text.trim() === "" || text.length > maxLength) return undefined;
  return whole(text, locale, depth, depth > 0) ?? bySentences(text, locale, depth);
}

export function storedText(text: string, locale: Locale): string {
  if (locale === "en") return text;
  const known = cache[locale].get(text);
  if (known !== undefined) return known;
  const words = translate(text, locale, 0) ?? text;
  if (cache[locale].size >= cacheLimit) cache[locale].clear();
  cache[locale].set(text, words);
  return words;
}
