import { jakartaDate, jakartaOffsetMs } from "./jakarta";

import type { Locale } from "./i18n/locales";

/**
 * How people read numbers, amounts and times, per language (docs/language.md): always in Asia/Jakarta.
 * Indonesian: `Rp 1.500.000`, `1 Des 2026 13.59 WIB`; English: `Rp 1,500,000`, `1 Dec 2026 13:59 WIB`.
 */
export type Format = {
  /** Whole numbers with the language's thousand separators: 1.234.567 / 1,234,567. */
  number(value: number): string;
  /** `Rp 10.000`, the way finance staff read amounts. */
  rupiah(rupiah: number): string;
  /** `1 Des 2026`. */
  date(value: Date): string;
  /** `13.59 WIB`. */
  time(value: Date): string;
  /** `1 Des 2026 13.59 WIB`; with seconds for timelines, where calls land within the same minute. */
  dateTime(value: Date, options?: { seconds?: boolean }): string;
  /** A time near `now`, the way a person says it: `14.02 WIB`, `14.02 WIB besok`, `14.02 WIB kemarin`, else with its date. */
  timeNear(value: Date, now: Date): string;
};

const intlTag: Record<Locale, string> = { id: "id-ID", en: "en-GB" };
const nearWords: Record<Locale, { tomorrow: string; yesterday: string }> = {
  id: { tomorrow: "besok", yesterday: "kemarin" },
  en: { tomorrow: "tomorrow", yesterday: "yesterday" },
};
const dayMs = 24 * 60 * 60 * 1000;

function makeFormat(locale: Locale): Format {
  const tag = intlTag[locale];
  const zone = "Asia/Jakarta";
  const date = new Intl.DateTimeFormat(tag, { timeZone: zone, day: "numeric", month: "short", year: "numeric" });
  const time = new Intl.DateTimeFormat(tag, { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const timeWithSeconds = new Intl.DateTimeFormat(tag, { timeZone: zone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  const number = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
  // en-GB writes "Sept"; the short month everyone reads is "Sep".
  const dateText = (value: Date) => date.format(value).replace("Sept", "Sep");
  const format: Format = {
    number: (value) => number.format(value),
    rupiah: (rupiah) => `Rp ${number.format(rupiah)}`,
    date: dateText,
    time: (value) => `${time.format(value)} WIB`,
    dateTime: (value, options = {}) => `${dateText(value)} ${(options.seconds ? timeWithSeconds : time).format(value)} WIB`,
    timeNear(value, now) {
      const days = Math.round((Date.parse(jakartaDate(value)) - Date.parse(jakartaDate(now))) / dayMs);
      if (days === 0) return format.time(value);
      if (days === 1) return `${format.time(value)} ${nearWords[locale].tomorrow}`;
      if (days === -1) return `${format.time(value)} ${nearWords[locale].yesterday}`;
      return format.dateTime(value);
    },
  };
  return format;
}

const formats = new Map<Locale, Format>();

/** The formatter of one language (built once per language). */
export function formatFor(locale: Locale): Format {
  let format = formats.get(locale);
  if (!format) formats.set(locale, (format = makeFormat(locale)));
  return format;
}

// English, for what the server writes outside any page (logs, audit details, messages not yet translated).
const english = formatFor("en");
export const formatNumber = english.number;
export const formatRupiah = english.rupiah;
export const formatDate = english.date;
export const formatTime = english.time;
export const formatTimeNear = english.timeNear;
export const formatDateTime = english.dateTime;

/** `2025-01-31 23:30:05` in Jakarta time: sorts as text and spreadsheets read it as a date. */
export function formatSortableDateTime(value: Date): string {
  return formatSortableEpochMs(value.getTime());
}

const twoDigits = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, "0"));
/** The last Jakarta day formatted: an export's rows come in date order, so most share the previous row's day. */
const lastDay = { index: NaN, text: "" };
const firstInstantOfYear10000 = Date.UTC(10_000, 0, 1);

/**
 * `formatSortableDateTime` of epoch milliseconds, as SQLite stores instants: a CSV export formats up to
 * four per row, and this one builds no Date for the time of day.
 */
export function formatSortableEpochMs(epochMs: number): string {
  const local = epochMs + jakartaOffsetMs;
  // Outside years 0000–9999 (and for no instant at all) toISOString writes its own shapes.
  if (!(local >= 0 && local < firstInstantOfYear10000)) return new Date(local).toISOString().slice(0, 19).replace("T", " ");
  const day = Math.floor(local / dayMs);
  if (day !== lastDay.index) {
    lastDay.text = new Date(day * dayMs).toISOString().slice(0, 10);
    lastDay.index = day;
  }
  const seconds = Math.floor((local - day * dayMs) / 1000);
  return `${lastDay.text} ${twoDigits[Math.floor(seconds / 3600)]}:${twoDigits[Math.floor(seconds / 60) % 60]}:${twoDigits[seconds % 60]}`;
}
