import { csvBom, csvLine, csvStream } from "@/lib/csv";
import "server-only";
import { and, asc, count, desc, eq, gte, inArray, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import type { Db } from "@/db/client";
import {
  auditEntries,
  gatewayCalls,
  inquiries,
  transfers,
  transferStatuses,
  users,
  wallets,
  type AuditEntry,
  type GatewayCallRow,
  type Inquiry,
  type Transfer,
  type TransferStatus,
} from "@/db/schema";
import { formatSortableDateTime } from "@/lib/format";
import { calendarDay, jakartaDayStart, startOfJakartaDay } from "@/lib/transfers/clock";
import { amountField } from "@/lib/transfers/schemas";
import { statusInfo, unsettledAtGateway } from "@/lib/transfers/status";
import { walletLabel } from "@/lib/transfers/wallets";

/*
 * The read side of transfers: the history screen, a transfer's detail, the CSV export and the home
 * dashboard. Built for 1,000,000 transfers: every list is ordered along an index of db/schema.ts,
 * pages never count the whole table, and the export walks the table in keyset batches.
 */

const dayMs = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------------
// Filters: parsed from the URL, so a link reproduces the view. A bad parameter falls back to its
// default instead of failing the page.

export const historyPageSizes = [25, 50, 100] as const;
const historySorts = ["created", "amount"] as const;

type ParamValue = string | string[] | undefined;
export type SearchParamsInput = URLSearchParams | Record<string, ParamValue>;

const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);

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
    /** Jakarta calendar days, both included. */
    from: z.preprocess(calendarDay, z.string().optional()),
    to: z.preprocess(calendarDay, z.string().optional()),
    maker: z.preprocess(first, z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional()).catch(undefined),
    /** The rows of one batch payout. */
    batch: z.preprocess(first, z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional()).catch(undefined),
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
  const record =
    params instanceof URLSearchParams
      ? Object.fromEntries([...new Set(params.keys())].map((key) => [key, params.getAll(key)]))
      : params;
  return historyFiltersSchema.parse(record);
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
  return Boolean(f.q || f.status.length || f.wallet || f.maker !== undefined || f.batch !== undefined || f.from || f.to || f.min !== undefined || f.max !== undefined);
}

// ---------------------------------------------------------------------------------------------------
// The WHERE and ORDER BY of a view.

/** The first string after every string that starts with `prefix`: `col >= prefix AND col < end` uses an index. */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

function startsWith(column: typeof transfers.reference | typeof transfers.phone, prefix: string): SQL {
  return and(gte(column, prefix), lt(column, prefixEnd(prefix)))!;
}

/** Digits as staff type a phone number (`0812…`, `+62 812…`, `812…`), as stored: `62812…`. */
function phonePrefix(q: string): string | undefined {
  const compact = q.replace(/[\s\-.()]/g, "");
  if (!/^\+?\d{3,}$/.test(compact)) return undefined;
  const digits = compact.replace(/^\+/, "");
  if (digits.startsWith("0")) return `62${digits.slice(1)}`;
  if (digits.startsWith("8")) return `62${digits}`;
  return digits;
}

/**
 * One box searches three things, told apart by their shape so that each uses its own index:
 * our reference (`TRF…`, prefix), a phone number (digits, prefix) or the owner's name (substring,
 * any case; names have no index, so this one scans along the sort order until the page is full).
 */
function searchCondition(q: string): SQL {
  if (/^(TRF|INQ)/i.test(q)) return startsWith(transfers.reference, q.toUpperCase());
  const phone = phonePrefix(q);
  if (phone) return startsWith(transfers.phone, phone);
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  // SQLite's LIKE ignores the case of ASCII letters.
  return sql`${transfers.ownerName} like ${pattern} escape '\\'`;
}

const narrowAmountRange = 2000;

/**
 * Whether an amount range should drive the query through the amount index. A narrow range does best
 * there; a wide one (say 5 to 6 million, a tenth of all transfers) would then sort a hundred thousand
 * rows, and does better walking the date order and checking the amount of each row. A short count on
 * the amount index (a few hundred microseconds) tells the two apart.
 */
function amountRangeIsNarrow(db: Db, f: HistoryFilters): boolean {
  const range = and(
    f.min === undefined ? undefined : gte(transfers.amount, f.min),
    f.max === undefined ? undefined : lte(transfers.amount, f.max),
  );
  const probe = db.select({ id: transfers.id }).from(transfers).where(range).limit(narrowAmountRange).as("probe");
  return (db.select({ n: count() }).from(probe).get()?.n ?? 0) < narrowAmountRange;
}

/**
 * The filters as a WHERE clause. `amountIndex: false` writes the amount range so that SQLite does not
 * use the amount index for it (a unary +), for ordered queries that should walk another index.
 */
function whereOf(f: HistoryFilters, { amountIndex = true } = {}): SQL | undefined {
  const conditions: SQL[] = [];
  const amount = amountIndex ? sql`${transfers.amount}` : sql`+${transfers.amount}`;
  if (f.status.length === 1) conditions.push(eq(transfers.status, f.status[0]!));
  if (f.status.length > 1) conditions.push(inArray(transfers.status, f.status));
  if (f.wallet) conditions.push(eq(transfers.wallet, f.wallet));
  if (f.maker !== undefined) conditions.push(eq(transfers.makerId, f.maker));
  if (f.batch !== undefined) conditions.push(eq(transfers.batchId, f.batch));
  if (f.from) conditions.push(gte(transfers.createdAt, jakartaDayStart(f.from)));
  if (f.to) conditions.push(lt(transfers.createdAt, jakartaDayStart(f.to, 1)));
  if (f.min !== undefined) conditions.push(gte(amount, f.min));
  if (f.max !== undefined) conditions.push(lte(amount, f.max));
  if (f.q) conditions.push(searchCondition(f.q));
  return and(...conditions);
}

function sortKey(f: Pick<HistoryFilters, "sort">) {
  return f.sort === "amount" ? transfers.amount : transfers.createdAt;
}

/** Ties broken by id, so that pages and export batches never skip or repeat a transfer. */
function orderOf(f: Pick<HistoryFilters, "sort" | "dir">): SQL[] {
  const direction = f.dir === "asc" ? asc : desc;
  return [direction(sortKey(f)), direction(transfers.id)];
}

// ---------------------------------------------------------------------------------------------------
// History

export const maker = alias(users, "maker");
const approver = alias(users, "approver");

/** A transfer as the lists show it, with its maker's name: join `maker` on `transfers.makerId`. */
export const historyColumns = {
  id: transfers.id,
  reference: transfers.reference,
  wallet: transfers.wallet,
  phone: transfers.phone,
  amount: transfers.amount,
  ownerName: transfers.ownerName,
  status: transfers.status,
  makerId: transfers.makerId,
  makerName: maker.name,
  createdAt: transfers.createdAt,
};

export type HistoryRow = {
  id: number;
  reference: string;
  wallet: Transfer["wallet"];
  phone: string;
  amount: number;
  ownerName: string;
  status: TransferStatus;
  makerId: number;
  makerName: string;
  createdAt: Date;
};

/** Counting stops here: beyond it the page says "1.000+" rather than scan a million rows per view. */
export const historyTotalCap = 1000;

export type HistoryPage = {
  rows: HistoryRow[];
  page: number;
  pageSize: number;
  hasMore: boolean;
  /** How many transfers match, counted up to `historyTotalCap`; `capped` when there are more. */
  total: { count: number; capped: boolean };
};

/** Whether an ordered query of this view should walk the sort order rather than the amount range. */
function walkSortOrder(db: Db, f: HistoryFilters): boolean {
  return f.sort === "created" && (f.min !== undefined || f.max !== undefined) && !amountRangeIsNarrow(db, f);
}

export function listTransfers(db: Db, filters: HistoryFilters): HistoryPage {
  const where = whereOf(filters);
  const order = orderOf(filters);
  const offset = (filters.page - 1) * filters.pageSize;
  // The page's ids come from an index (a covering scan for the common views); only the rows of the
  // page itself are then read, with their maker's name. One extra row tells whether more follow.
  const pageIds = db
    .select({ id: transfers.id })
    .from(transfers)
    .where(whereOf(filters, { amountIndex: !walkSortOrder(db, filters) }))
    .orderBy(...order)
    .limit(filters.pageSize + 1)
    .offset(offset);
  const rows = db
    .select(historyColumns)
    .from(transfers)
    .innerJoin(maker, eq(maker.id, transfers.makerId))
    .where(inArray(transfers.id, pageIds))
    .orderBy(...order)
    .all();
  const hasMore = rows.length > filters.pageSize;
  // On the last page the total is known without counting; otherwise count, but only so far.
  const counted =
    hasMore || (rows.length === 0 && offset > 0)
      ? (db
          .select({ n: count() })
          .from(db.select({ id: transfers.id }).from(transfers).where(where).limit(historyTotalCap + 1).as("matching"))
          .get()?.n ?? 0)
      : offset + rows.length;
  return {
    rows: rows.slice(0, filters.pageSize),
    page: filters.page,
    pageSize: filters.pageSize,
    hasMore,
    total: { count: Math.min(counted, historyTotalCap), capped: counted > historyTotalCap },
  };
}

// ---------------------------------------------------------------------------------------------------
// Detail

export type TimelineEvent =
  | { kind: "gateway"; at: Date; call: GatewayCallRow }
  | { kind: "audit"; at: Date; entry: AuditEntry & { actorName: string | null } };

export type TransferDetail = {
  transfer: Transfer;
  makerName: string;
  approverName: string | null;
  inquiry: Inquiry | undefined;
  retryOf: { id: number; reference: string } | undefined;
  /** The one retry of this failed transfer, if it was retried. */
  retry: { id: number; reference: string } | undefined;
  /** Names of the people behind a pending resolution and a reviewed discrepancy. */
  resolutionByName: string | null;
  discrepancyReviewedByName: string | null;
  /** Gateway calls (the transfer's and those of the look-up it came from) and audit entries, oldest first. */
  timeline: TimelineEvent[];
};

export function getTransferDetail(db: Db, id: number): TransferDetail | undefined {
  const found = db
    .select({ transfer: transfers, makerName: maker.name, approverName: approver.name })
    .from(transfers)
    .innerJoin(maker, eq(maker.id, transfers.makerId))
    .leftJoin(approver, eq(approver.id, transfers.approverId))
    .where(eq(transfers.id, id))
    .get();
  if (!found) return undefined;
  const { transfer } = found;
  const inquiry = db.select().from(inquiries).where(eq(inquiries.id, transfer.inquiryId)).get();
  const retryOf =
    transfer.retryOfId === null
      ? undefined
      : db.select({ id: transfers.id, reference: transfers.reference }).from(transfers).where(eq(transfers.id, transfer.retryOfId)).get();
  const retry = db.select({ id: transfers.id, reference: transfers.reference }).from(transfers).where(eq(transfers.retryOfId, id)).get();
  const nameOf = (userId: number | null) => (userId === null ? null : (db.select({ name: users.name }).from(users).where(eq(users.id, userId)).get()?.name ?? null));
  const calls = db
    .select()
    .from(gatewayCalls)
    .where(or(eq(gatewayCalls.transferId, id), eq(gatewayCalls.inquiryId, transfer.inquiryId)))
    .orderBy(asc(gatewayCalls.startedAt), asc(gatewayCalls.id))
    .all();
  const audit = db
    .select({ entry: auditEntries, actorName: users.name })
    .from(auditEntries)
    .leftJoin(users, eq(users.id, auditEntries.actorId))
    .where(and(eq(auditEntries.targetType, "transfer"), eq(auditEntries.targetId, String(id))))
    .orderBy(asc(auditEntries.at), asc(auditEntries.id))
    .all();
  const timeline: TimelineEvent[] = [
    ...audit.map(({ entry, actorName }) => ({ kind: "audit" as const, at: entry.at, entry: { ...entry, actorName } })),
    ...calls.map((call) => ({ kind: "gateway" as const, at: call.startedAt, call })),
  ];
  // A stable sort: at the same millisecond the audit entry (the decision) reads before the call it led to.
  timeline.sort((a, b) => a.at.getTime() - b.at.getTime());
  return {
    transfer,
    makerName: found.makerName,
    approverName: found.approverName,
    inquiry,
    retryOf,
    retry,
    resolutionByName: nameOf(transfer.resolutionBy),
    discrepancyReviewedByName: nameOf(transfer.discrepancyReviewedBy),
    timeline,
  };
}

// ---------------------------------------------------------------------------------------------------
// CSV export

const csvBatchSize = 500;

const csvColumns = {
  ...historyColumns,
  approverName: approver.name,
  decidedAt: transfers.decidedAt,
  reason: transfers.reason,
  cashinReference: transfers.cashinReference,
  lastCode: transfers.lastCode,
  lastMessage: transfers.lastMessage,
  sentAt: transfers.sentAt,
  settledAt: transfers.settledAt,
  discrepancy: transfers.discrepancy,
  discrepancyReviewedAt: transfers.discrepancyReviewedAt,
};

type CsvRow = HistoryRow & {
  approverName: string | null;
  decidedAt: Date | null;
  reason: string | null;
  cashinReference: string | null;
  lastCode: string | null;
  lastMessage: string | null;
  sentAt: Date | null;
  settledAt: Date | null;
  discrepancy: string | null;
  discrepancyReviewedAt: Date | null;
};

const csvFields: readonly [header: string, cell: (row: CsvRow) => string | number | null][] = [
  ["Reference", (r) => r.reference],
  ["Created (WIB)", (r) => formatSortableDateTime(r.createdAt)],
  ["Wallet", (r) => walletLabel[r.wallet]],
  ["Phone", (r) => r.phone],
  ["Owner name", (r) => r.ownerName],
  ["Amount (IDR)", (r) => r.amount],
  ["Status", (r) => statusInfo[r.status].label],
  ["Maker", (r) => r.makerName],
  ["Approver", (r) => r.approverName],
  ["Decided (WIB)", (r) => r.decidedAt && formatSortableDateTime(r.decidedAt)],
  ["Reason", (r) => r.reason],
  ["Cash In reference", (r) => r.cashinReference],
  ["Last code", (r) => r.lastCode],
  ["Last message", (r) => r.lastMessage],
  ["Sent (WIB)", (r) => r.sentAt && formatSortableDateTime(r.sentAt)],
  ["Settled (WIB)", (r) => r.settledAt && formatSortableDateTime(r.settledAt)],
  ["Discrepancy", (r) => r.discrepancy && `${r.discrepancyReviewedAt ? "Reviewed: " : "Open: "}${r.discrepancy}`],
];

/**
 * The filtered transfers as CSV text, one chunk per batch: the header first, then `batchSize` rows at
 * a time. Each batch continues after the last row of the previous one (keyset), so memory stays flat
 * and a transfer created meanwhile neither shifts nor repeats rows. Paging is ignored: all of them.
 */
export function* transferCsvChunks(db: Db, filters: HistoryFilters, { batchSize = csvBatchSize } = {}): Generator<string> {
  yield `${csvBom}${csvLine(csvFields.map(([header]) => header))}`;
  const amountIndex = !walkSortOrder(db, filters);
  const where = whereOf(filters, { amountIndex });
  // From the second batch on, the keyset bound is the tighter one on its side of the sort key, so the
  // filter's own bound there is left out: given both, SQLite bounds the index scan by the filter's, and
  // every batch would walk again from the start of the range (quadratic in the rows exported).
  const supersededBound = filters.sort === "amount" ? (filters.dir === "asc" ? "min" : "max") : filters.dir === "asc" ? "from" : "to";
  const whereAfter = whereOf({ ...filters, [supersededBound]: undefined }, { amountIndex });
  const key = sortKey(filters);
  const comparison = filters.dir === "asc" ? ">" : "<";
  let last: CsvRow | undefined;
  for (;;) {
    const batchWhere = last
      ? and(whereAfter, sql`(${key}, ${transfers.id}) ${sql.raw(comparison)} (${filters.sort === "amount" ? last.amount : last.createdAt.getTime()}, ${last.id})`)
      : where;
    const rows: CsvRow[] = db
      .select(csvColumns)
      .from(transfers)
      .innerJoin(maker, eq(maker.id, transfers.makerId))
      .leftJoin(approver, eq(approver.id, transfers.approverId))
      .where(batchWhere)
      .orderBy(...orderOf(filters))
      .limit(batchSize)
      .all();
    if (rows.length > 0) yield rows.map((row) => csvLine(csvFields.map(([, cell]) => cell(row)))).join("");
    if (rows.length < batchSize) return;
    last = rows[rows.length - 1];
  }
}

/** The CSV as a byte stream that reads the next batch only when the client has taken the previous one. */
export function streamTransfersCsv(db: Db, filters: HistoryFilters, options: { batchSize?: number } = {}): ReadableStream<Uint8Array> {
  return csvStream(transferCsvChunks(db, filters, options));
}

// ---------------------------------------------------------------------------------------------------
// Dashboard

export type StatusTally = { status: TransferStatus; count: number; total: number };

export type DashboardSummary = {
  /** Transfers created today (the Jakarta calendar day of `now`), per status in lifecycle order. */
  today: { count: number; total: number; byStatus: StatusTally[] };
  awaitingApproval: number;
  /** Sent, outcome not known yet (`sending`, `processing`): the reconciler is on them. */
  unsettled: number;
  latest: HistoryRow[];
};

export function dashboardSummary(db: Db, now: Date): DashboardSummary {
  const start = startOfJakartaDay(now);
  const end = new Date(start.getTime() + dayMs);
  const tallies = db
    .select({ status: transfers.status, count: count(), total: sql<number>`coalesce(sum(${transfers.amount}), 0)` })
    .from(transfers)
    .where(and(gte(transfers.createdAt, start), lt(transfers.createdAt, end)))
    .groupBy(transfers.status)
    .all();
  const byStatus = transferStatuses.map((status) => tallies.find((t) => t.status === status) ?? { status, count: 0, total: 0 });
  const countWhere = (where: SQL) => db.select({ n: count() }).from(transfers).where(where).get()?.n ?? 0;
  const latest = db
    .select(historyColumns)
    .from(transfers)
    .innerJoin(maker, eq(maker.id, transfers.makerId))
    .orderBy(desc(transfers.createdAt), desc(transfers.id))
    .limit(10)
    .all();
  return {
    today: {
      count: byStatus.reduce((sum, t) => sum + t.count, 0),
      total: byStatus.reduce((sum, t) => sum + t.total, 0),
      byStatus,
    },
    awaitingApproval: countWhere(eq(transfers.status, "awaiting_approval")),
    unsettled: countWhere(inArray(transfers.status, [...unsettledAtGateway])),
    latest,
  };
}
