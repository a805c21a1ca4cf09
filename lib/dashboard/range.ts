import { z } from "zod";
import { calendarDayFromText, jakartaDate, jakartaDayStart } from "@/lib/jakarta";
import { first, paramsRecord, type SearchParamsInput } from "@/lib/search-params";

/*
 * The dashboard's date range (docs/dashboard.md#the-range): Jakarta calendar days `from` to `to`, both
 * included, read from the overview's URL. A range that cannot be used is not an error page: the
 * dashboard shows the default range and says why.
 */

/** The default: the last 30 days, today included. */
export const defaultRangeDays = 30;
/** The longest range: a year, leap day included. Bounds the work of every figure. */
export const maxRangeDays = 366;

export type DashboardRange = {
  /** `YYYY-MM-DD`, Jakarta days, both included. */
  from: string;
  to: string;
};

/** Why the range asked for was not used; each has its sentence under `dashboard.range.problems`. */
export type RangeProblem = "dateInvalid" | "fromAfterTo" | "tooLong";

export type RangeChoice = { range: DashboardRange; isDefault: boolean; problem?: RangeProblem };

const dayMs = 24 * 60 * 60 * 1000;

/** How many Jakarta days the range spans, both ends included. */
export function rangeDays(range: DashboardRange): number {
  return Math.round((Date.parse(range.to) - Date.parse(range.from)) / dayMs) + 1;
}

/** The `days` Jakarta days ending today. */
export function lastDays(now: Date, days = defaultRangeDays): DashboardRange {
  const to = jakartaDate(now);
  return { from: jakartaDate(jakartaDayStart(to, -(days - 1))), to };
}

/** A typed day (`dd/mm/yyyy` or `yyyy-mm-dd`), absent when left empty, or `invalid`. */
const dayParam = z.preprocess(first, z.string().optional()).transform((text) => {
  const trimmed = text?.trim();
  if (!trimmed) return undefined;
  return calendarDayFromText(trimmed) ?? ("invalid" as const);
});

const rangeParams = z.object({ from: dayParam.catch("invalid"), to: dayParam.catch("invalid") });

/**
 * The range in the URL (`from`, `to`, each optional), checked: both days real, from ≤ to, at most
 * `maxRangeDays` days. A missing `to` is today; a missing `from` is 29 days before `to`. Never throws.
 */
export function parseDashboardRange(params: SearchParamsInput, now: Date): RangeChoice {
  const fallback = lastDays(now);
  const parsed = rangeParams.safeParse(paramsRecord(params));
  const { from, to } = parsed.success ? parsed.data : { from: "invalid" as const, to: "invalid" as const };
  if (from === undefined && to === undefined) return { range: fallback, isDefault: true };
  if (from === "invalid" || to === "invalid") return { range: fallback, isDefault: true, problem: "dateInvalid" };
  const end = to ?? fallback.to;
  const start = from ?? jakartaDate(jakartaDayStart(end, -(defaultRangeDays - 1)));
  const range = { from: start, to: end };
  if (start > end) return { range: fallback, isDefault: true, problem: "fromAfterTo" };
  if (rangeDays(range) > maxRangeDays) return { range: fallback, isDefault: true, problem: "tooLong" };
  return { range, isDefault: start === fallback.from && end === fallback.to };
}

/** The query string of a range, as the overview's URL carries it. */
export function rangeSearchParams(range: DashboardRange): URLSearchParams {
  return new URLSearchParams({ from: range.from, to: range.to });
}
