/**
 * Jakarta time, the one home for it (docs/limits.md#amounts-days-and-dates): Western Indonesia Time is
 * UTC+7 all year (no daylight saving), so a Jakarta day starts at 17:00 UTC the day before.
 */
export const jakartaOffsetMs = 7 * 60 * 60 * 1000;

/** `YYYY-MM-DD`, the Jakarta calendar day of an instant. */
export function jakartaDate(at: Date): string {
  return new Date(at.getTime() + jakartaOffsetMs).toISOString().slice(0, 10);
}
const dayMs = 24 * 60 * 60 * 1000;

export function startOfJakartaDay(at: Date): Date {
  return new Date(Math.floor((at.getTime() + jakartaOffsetMs) / dayMs) * dayMs - jakartaOffsetMs);
}

/** A calendar day `YYYY-MM-DD` that exists. */
export function calendarDay(value: unknown): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const [y, m, d] = text.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? text : undefined;
}

/**
 * A calendar day as people type it: `dd/mm/yyyy` (also `d/m/yyyy`, with `-` or `.`, or `ddmmyyyy`) in either language, or
 * `yyyy-mm-dd` as URLs carry it; `YYYY-MM-DD` when that day exists, else undefined.
 */
export function calendarDayFromText(value: unknown): string | undefined {
  const text = (Array.isArray(value) ? value[0] : value) as unknown;
  if (typeof text !== "string") return undefined;
  // Also ddmmyyyy: a phone's number pad has no "/".
  const typed = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text.trim()) ?? /^(\d{2})(\d{2})(\d{4})$/.exec(text.trim());
  return calendarDay(typed ? `${typed[3]}-${typed[2]!.padStart(2, "0")}-${typed[1]!.padStart(2, "0")}` : text.trim());
}

/** `YYYY-MM-DD` → `dd/mm/yyyy`, the way the date fields show a day. */
export function dayText(day: string): string {
  const [y, m, d] = day.split("-");
  return y && m && d ? `${d}/${m}/${y}` : day;
}

/** The instant a Jakarta calendar day (`YYYY-MM-DD`) begins, `days` later. */
export function jakartaDayStart(day: string, days = 0): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return startOfJakartaDay(new Date(Date.UTC(y, m - 1, d + days)));
}
