import { jakartaDayStart } from "@/lib/jakarta";
import type { Locale } from "@/lib/i18n/locales";

const intlTag: Record<Locale, string> = { id: "id-ID", en: "en-GB" };

export type ChartNumbers = {
  /** `Rp 1,2 M` / `Rp 1.2M`: an amount that fits on an axis. */
  rupiahShort(value: number): string;
  /** `3 Nov`: a Jakarta day (`YYYY-MM-DD`) on an axis. */
  dayShort(day: string): string;
  /** `93,9%` / `93.9%`. */
  percent(ratio: number): string;
};

const cache = new Map<Locale, ChartNumbers>();

/**
 * What fits on a chart: the shortened amounts and days of its axes, and shares. Full amounts and dates come
 * from lib/format.ts, in the tooltips and the tables.
 */
export function chartNumbers(locale: Locale): ChartNumbers {
  let numbers = cache.get(locale);
  if (numbers) return numbers;
  const tag = intlTag[locale];
  const compact = new Intl.NumberFormat(tag, { notation: "compact", maximumFractionDigits: 1 });
  const short = new Intl.DateTimeFormat(tag, { timeZone: "Asia/Jakarta", day: "numeric", month: "short" });
  const percent = new Intl.NumberFormat(tag, { style: "percent", maximumFractionDigits: 1 });
  numbers = {
    rupiahShort: (value) => `Rp ${compact.format(value)}`,
    dayShort: (day) => short.format(jakartaDayStart(day)).replace("Sept", "Sep"),
    percent: (ratio) => percent.format(ratio),
  };
  cache.set(locale, numbers);
  return numbers;
}
