import { z } from "zod";
import { calendarDayFromText } from "@/lib/jakarta";
import { first, idParam, paramsRecord, type SearchParamsInput } from "@/lib/search-params";

/** The audit trail screen's filters, from the URL: a bad parameter falls back to "no filter" instead of failing the page. */

const text = (max: number) =>
  z.preprocess(first, z.string().trim().max(max).optional()).transform((v) => v || undefined).catch(undefined);

export const auditFiltersSchema = z.object({
  actor: idParam,
  action: text(64),
  targetType: text(32),
  targetId: text(64),
  // Typed dd/mm/yyyy on the screen (a native date picker follows the browser's language), yyyy-mm-dd in links.
  from: z.preprocess(calendarDayFromText, z.string().optional()),
  to: z.preprocess(calendarDayFromText, z.string().optional()),
  /** Show entries older than this id (the next page). */
  before: idParam,
});

export type AuditFilters = z.output<typeof auditFiltersSchema>;

export function parseAuditFilters(params: SearchParamsInput): AuditFilters {
  return auditFiltersSchema.parse(paramsRecord(params));
}

export function auditSearchParams(filters: AuditFilters, changes: Partial<AuditFilters> = {}): URLSearchParams {
  const merged = { ...filters, ...changes };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) if (value !== undefined && value !== "") params.set(key, String(value));
  return params;
}

