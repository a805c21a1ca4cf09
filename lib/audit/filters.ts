import { z } from "zod";
import { calendarDay } from "@/lib/transfers/clock";

/** The audit trail screen's filters, from the URL: a bad parameter falls back to "no filter" instead of failing the page. */

const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);

const text = (max: number) =>
  z.preprocess(first, z.string().trim().max(max).optional()).transform((v) => v || undefined).catch(undefined);
const id = z.preprocess(first, z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional()).catch(undefined);

export const auditFiltersSchema = z.object({
  actor: id,
  action: text(64),
  targetType: text(32),
  targetId: text(64),
  from: z.preprocess(calendarDay, z.string().optional()),
  to: z.preprocess(calendarDay, z.string().optional()),
  /** Show entries older than this id (the next page). */
  before: id,
});

export type AuditFilters = z.output<typeof auditFiltersSchema>;

export function parseAuditFilters(params: URLSearchParams | Record<string, string | string[] | undefined>): AuditFilters {
  const source = params instanceof URLSearchParams ? Object.fromEntries(params) : params;
  return auditFiltersSchema.parse(source);
}

export function auditSearchParams(filters: AuditFilters, changes: Partial<AuditFilters> = {}): URLSearchParams {
  const merged = { ...filters, ...changes };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) if (value !== undefined && value !== "") params.set(key, String(value));
  return params;
}

