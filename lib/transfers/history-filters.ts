import { z } from "zod";
import { transferStatuses, wallets, type TransferStatus } from "@/db/schema";
import { calendarDayFromText } from "@/lib/jakarta";
import { first, idParam, paramsRecord, type SearchParamsInput } from "@/lib/search-params";
import { amountField } from "./schemas";

/*
 * The history screen's view as a URL: filters, sort and page. Parsed leniently, so that a link
 * reproduces the view and a bad parameter falls back to its default instead of failing the page.
 */

// Filters: parsed from the URL, so a link reproduces the view. A bad parameter falls back to its
// default instead of failing the page.

export const historyPageSizes = [25, 50, 100] as const;
const historySorts = ["created", "amount"] as const;


/** `status=failed&status=processing` or `status=failed,processing`; unknown statuses are dropped. */
function statusList(value: unknown): TransferStatus[] {
  const raw = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
  const wanted = new Set(raw.flatMap((v) => v.split(",")).map((v) => v.trim()));
  return transferStatuses.filter((status) => wanted.has(status));
}

export const historyFiltersSchema = z
  .object({
    status: z.preprocess(statusList, z.array(z.enum(transferStatuses))).catch([]),
    wallet: z.preprocess(first, z.enum(wallets).optional()).catch(undefined),
    /** Jakarta calendar days, both included: `yyyy-mm-dd`, or `dd/mm/yyyy` as the form's fields take it without JavaScript. */
    from: z.preprocess(calendarDayFromText, z.string().optional()),
    to: z.preprocess(calendarDayFromText, z.string().optional()),
    maker: idParam,
    /** The rows of one batch payout. */
    batch: idParam,
    /** Only the rows of batches scheduled for later, not sent yet (docs/batches.md#scheduled-batches): `scheduled=1`. */
    scheduled: z.preprocess((v) => (first(v) === "1" ? true : undefined), z.literal(true).optional()).catch(undefined),
    /** Whole rupiah, typed as on the new-transfer form: `50000`, `50.000`, `Rp 50.000`. */
    min: z.preprocess(first, amountField.optional()).catch(undefined),
    max: z.preprocess(first, amountField.optional()).catch(undefined),
    q: z
      .preprocess(first, z.string().optional())
      .transform((q) => q?.trim().slice(0, 100) || undefined)
      .catch(undefined),
    sort: z.preprocess(first, z.enum(historySorts)).catch("created"),
    dir: z.preprocess(first, z.enum(["asc", "desc"])).catch("desc"),
    page: z.preprocess(first, z.coerce.number().int().min(1).max(1_000_000)).catch(1),
    pageSize: z.preprocess(first, z.coerce.number().pipe(z.literal(historyPageSizes))).catch(25),
  })
  // A range typed backwards is still the range the person meant.
  .transform((f) => {
    const [from, to] = f.from && f.to && f.from > f.to ? [f.to, f.from] : [f.from, f.to];
    const [min, max] = f.min !== undefined && f.max !== undefined && f.min > f.max ? [f.max, f.min] : [f.min, f.max];
    return { ...f, from, to, min, max };
  });

export type HistoryFilters = z.output<typeof historyFiltersSchema>;

export function parseHistoryFilters(params: SearchParamsInput): HistoryFilters {
  return historyFiltersSchema.parse(paramsRecord(params));
}

export const defaultHistoryFilters: HistoryFilters = historyFiltersSchema.parse({});

/** The query string of a view: only what differs from the defaults, in a stable order. */
export function historySearchParams(filters: HistoryFilters, changes: Partial<HistoryFilters> = {}): URLSearchParams {
  const f = { ...filters, ...changes };
  const params = new URLSearchParams();
  if (f.q) params.set("q", f.q);
  for (const status of f.status) params.append("status", status);
  if (f.wallet) params.set("wallet", f.wallet);
  if (f.maker !== undefined) params.set("maker", String(f.maker));
  if (f.batch !== undefined) params.set("batch", String(f.batch));
  if (f.scheduled) params.set("scheduled", "1");
  if (f.from) params.set("from", f.from);
  if (f.to) params.set("to", f.to);
  if (f.min !== undefined) params.set("min", String(f.min));
  if (f.max !== undefined) params.set("max", String(f.max));
  if (f.sort !== defaultHistoryFilters.sort) params.set("sort", f.sort);
  if (f.dir !== defaultHistoryFilters.dir) params.set("dir", f.dir);
  if (f.pageSize !== defaultHistoryFilters.pageSize) params.set("pageSize", String(f.pageSize));
  if (f.page !== 1) params.set("page", String(f.page));
  return params;
}

/** Whether the view narrows the set of transfers (sorting and paging do not). */
export function isFiltered(f: HistoryFilters): boolean {
  return Boolean(f.q || f.status.length || f.scheduled || f.wallet || f.maker !== undefined || f.batch !== undefined || f.from || f.to || f.min !== undefined || f.max !== undefined);
}