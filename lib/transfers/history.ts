import "server-only";
import { and, asc, count, desc, eq, gte, inArray, lt, or, sql, type Placeholder, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { first, type Db } from "@/db/client";
import { dialectOf, likeFolded, type Dialect } from "@/db/dialect";
import { allOf, firstOf, oncePerConnection, timeValue, tuplesOf } from "@/db/statements";
import {
  auditEntries,
  batches,
  gatewayCalls,
  inquiries,
  transfers,
  transferStatuses,
  users,
  type AuditEntry,
  type GatewayCallRow,
  type Inquiry,
  type Transfer,
  type TransferStatus,
} from "@/db/schema";
import { jakartaDayStart, startOfJakartaDay } from "@/lib/jakarta";
import { defaultHistoryFilters, type HistoryFilters } from "./history-filters";
import { unsettledAtGateway } from "./status";

/** A transfer that is a row of a batch waiting for its time (docs/batches.md#scheduled-batches). */
const inScheduledBatch = sql`exists (select 1 from ${batches} where ${batches.id} = ${transfers.batchId} and ${batches.status} = 'scheduled')`;

/*
 * The read side of transfers: the history screen, a transfer's detail and the home dashboard. Built for
 * 1,000,000 transfers: every list is ordered along an index of db/schema.ts, pages never count the whole
 * table, and each shape of view is prepared once. The CSV export of a view is in export.ts.
 */

const dayMs = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------------
// The WHERE and ORDER BY of a view.

/** The first string after every string that starts with `prefix`: `col >= prefix AND col < end` uses an index. */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
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

export type PlaceholderValues = Record<string, string | number | Date>;

/**
 * A view's filters as a WHERE clause with placeholders, the values for them, and its shape: the name of
 * every condition present, which alone decides the SQL text. `amountIndex: false` writes the amount range
 * so that SQLite does not use the amount index for it (a unary +), for ordered queries that should walk
 * another index.
 */
export type BoundFilters = { shape: string; values: PlaceholderValues; where: () => SQL | undefined };

export function bindFilters(f: HistoryFilters, { amountIndex = true, dialect }: { amountIndex?: boolean; dialect: Dialect }): BoundFilters {
  const shape: string[] = [];
  const values: PlaceholderValues = {};
  const conditions: (() => SQL)[] = [];
  const value = (name: string, v: string | number | Date) => {
    values[name] = v;
    return sql.placeholder(name);
  };
  const condition = (name: string, build: () => SQL) => {
    shape.push(name);
    conditions.push(build);
  };
  if (f.status.length > 0) {
    const statuses = f.status.map((status, i) => value(`status${i}`, status));
    condition(`status${statuses.length}`, () => (statuses.length === 1 ? eq(transfers.status, statuses[0]!) : inArray(transfers.status, statuses)));
  }
  if (f.wallet) {
    const wallet = value("wallet", f.wallet);
    condition("wallet", () => eq(transfers.wallet, wallet));
  }
  if (f.maker !== undefined) {
    const maker = value("maker", f.maker);
    condition("maker", () => eq(transfers.makerId, maker));
  }
  if (f.batch !== undefined) {
    const batch = value("batch", f.batch);
    condition("batch", () => eq(transfers.batchId, batch));
  }
  if (f.scheduled) {
    // Rows of batches waiting for their time (docs/batches.md#scheduled-batches): approved, not sent yet.
    condition("scheduled", () => and(eq(transfers.status, "approved"), inScheduledBatch)!);
  }
  // Dates and amounts are compared as stored: whole rupiah, and times as SQLite keeps them (epoch milliseconds) or as
  // PostgreSQL's timestamptz takes them (a Date). A placeholder's value reaches the driver as it is given.
  const time = (at: Date) => (dialect === "postgres" ? at : at.getTime());
  if (f.from) {
    const from = value("from", time(jakartaDayStart(f.from)));
    condition("from", () => gte(transfers.createdAt, from));
  }
  if (f.to) {
    const to = value("to", time(jakartaDayStart(f.to, 1)));
    condition("to", () => lt(transfers.createdAt, to));
  }
  if (f.min !== undefined) {
    const min = value("min", f.min);
    condition(amountIndex ? "min" : "+min", () => sql`${amountOf(amountIndex)} >= ${min}`);
  }
  if (f.max !== undefined) {
    const max = value("max", f.max);
    condition(amountIndex ? "max" : "+max", () => sql`${amountOf(amountIndex)} <= ${max}`);
  }
  if (f.q) searchCondition(f.q, dialect, value, condition);
  return { shape: shape.join(","), values, where: () => and(...conditions.map((build) => build())) };
}

const amountOf = (amountIndex: boolean) => (amountIndex ? sql`${transfers.amount}` : sql`+${transfers.amount}`);

/**
 * One box searches three things, told apart by their shape so that each uses its own index:
 * our reference (`TRF…`, prefix), a phone number (digits, prefix) or words: the owner's name or the memo
 * (substring, any case; they have no index, so this one scans along the sort order until the page is full).
 */
function searchCondition(
  q: string,
  dialect: Dialect,
  value: (name: string, v: string) => Placeholder,
  condition: (name: string, build: () => SQL) => void,
): void {
  const startsWith = (name: string, column: typeof transfers.reference | typeof transfers.phone, prefix: string) => {
    const [start, end] = [value(`${name}Start`, prefix), value(`${name}End`, prefixEnd(prefix))];
    condition(name, () => and(gte(column, start), lt(column, end))!);
  };
  if (/^(TRF|INQ)/i.test(q)) return startsWith("reference", transfers.reference, q.toUpperCase());
  const phone = phonePrefix(q);
  if (phone) return startsWith("phone", transfers.phone, phone);
  const pattern = value("name", `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  condition("name", () => or(likeFolded(dialect, transfers.ownerName, pattern), likeFolded(dialect, transfers.memo, pattern))!);
}

const narrowAmountRange = 2000;

/**
 * Whether an amount range should drive the query through the amount index. A narrow range does best
 * there; a wide one (say 5 to 6 million, a tenth of all transfers) would then sort a hundred thousand
 * rows, and does better walking the date order and checking the amount of each row. A short count on
 * the amount index (a few hundred microseconds) tells the two apart; its answer is remembered per range,
 * since it only picks a plan: a stale one costs time, never a wrong row.
 */
/** SQLite only (see `walkSortOrder`). */
function amountRangeIsNarrow(db: Db, f: HistoryFilters): boolean {
  return oncePerConnection(db, `amount range narrow|${f.min ?? ""}-${f.max ?? ""}`, () => {
    const bound = bindFilters({ ...defaultHistoryFilters, min: f.min, max: f.max }, { dialect: "sqlite" });
    const probe = oncePerConnection(db, `amount probe|${bound.shape}`, () =>
      db
        .select({ n: count() })
        .from(db.select({ id: transfers.id }).from(transfers).where(bound.where()).limit(narrowAmountRange).as("probe"))
        .prepare(),
    );
    return (probe.get(bound.values)?.n ?? 0) < narrowAmountRange;
  });
}

export function sortKey(f: Pick<HistoryFilters, "sort">) {
  return f.sort === "amount" ? transfers.amount : transfers.createdAt;
}

/** Ties broken by id, so that pages and export batches never skip or repeat a transfer. */
export function orderOf(f: Pick<HistoryFilters, "sort" | "dir">): SQL[] {
  const direction = f.dir === "asc" ? asc : desc;
  return [direction(sortKey(f)), direction(transfers.id)];
}

/**
 * Whether an ordered query of this view should walk the sort order rather than the amount range: SQLite's choice, made
 * here (its planner cannot tell a narrow range from a wide one). PostgreSQL's planner has the statistics to choose.
 */
export function walkSortOrder(db: Db, f: HistoryFilters): boolean {
  if (dialectOf(db) === "postgres") return false;
  return f.sort === "created" && (f.min !== undefined || f.max !== undefined) && !amountRangeIsNarrow(db, f);
}

// ---------------------------------------------------------------------------------------------------
// History

export const maker = alias(users, "maker");
export const approver = alias(users, "approver");

/**
 * A transfer as the lists show it, with its maker's name: join `maker` on `transfers.makerId`. In this
 * order: `listTransfers` reads them as tuples (`historyRow`).
 */
export const historyColumns = {
  id: transfers.id,
  reference: transfers.reference,
  wallet: transfers.wallet,
  phone: transfers.phone,
  amount: transfers.amount,
  ownerName: transfers.ownerName,
  memo: transfers.memo,
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
  memo: string | null;
  status: TransferStatus;
  makerId: number;
  makerName: string;
  createdAt: Date;
};

/** `countTransfers` stops here: beyond it the page says "1.000+" rather than scan a million rows. */
export const historyTotalCap = 1000;

export type HistoryTotal = {
  /** How many transfers match, as far as known: exact unless `capped`, then a lower bound. */
  count: number;
  /** More transfers match than `count`. */
  capped: boolean;
};

export type HistoryPage = {
  rows: HistoryRow[];
  page: number;
  pageSize: number;
  hasMore: boolean;
  /**
   * What the page itself tells, without counting: exact on the last page; on any other, the transfers up
   * to this page's end, `capped` (more follow). `countTransfers` counts, when someone asks.
   */
  total: HistoryTotal;
};

/** A row of `historyColumns` as a tuple (`tuplesOf`): read raw on SQLite, a page costs about what the hand-written SQL does. */
type HistoryTuple = [number, string, HistoryRow["wallet"], string, number, string, string | null, TransferStatus, number, string, number];

function historyRow([id, reference, wallet, phone, amount, ownerName, memo, status, makerId, makerName, createdAt]: HistoryTuple): HistoryRow {
  return { id, reference, wallet, phone, amount, ownerName, memo, status, makerId, makerName, createdAt: new Date(createdAt) };
}

export async function listTransfers(db: Db, filters: HistoryFilters): Promise<HistoryPage> {
  const bound = bindFilters(filters, { amountIndex: !walkSortOrder(db, filters), dialect: dialectOf(db) });
  const offset = (filters.page - 1) * filters.pageSize;
  // The first page reads its rows straight along the index. A later one takes its ids from the index
  // first (a covering scan for the common views) and reads only the rows of the page itself: skipping
  // costs index entries, not rows. One extra row tells whether more follow.
  const skips = offset > 0;
  const page = oncePerConnection(db, `history page|${bound.shape}|${filters.sort} ${filters.dir}|${skips ? "skip" : "first"}`, () => {
    const order = orderOf(filters);
    const rows = db.select(historyColumns).from(transfers).innerJoin(maker, eq(maker.id, transfers.makerId));
    if (!skips) return rows.where(bound.where()).orderBy(...order).limit(sql.placeholder("limit")).prepare();
    const pageIds = db
      .select({ id: transfers.id })
      .from(transfers)
      .where(bound.where())
      .orderBy(...order)
      .limit(sql.placeholder("limit"))
      .offset(sql.placeholder("offset"));
    return rows.where(inArray(transfers.id, pageIds)).orderBy(...order).prepare();
  });
  const rows = ((await tuplesOf(db, page, { ...bound.values, limit: filters.pageSize + 1, offset })) as HistoryTuple[]).map(historyRow);
  const hasMore = rows.length > filters.pageSize;
  if (hasMore) rows.pop();
  return {
    rows,
    page: filters.page,
    pageSize: filters.pageSize,
    hasMore,
    // Past the last page nothing tells how far the matches go: count them (rare, and capped).
    total: rows.length === 0 && offset > 0 ? await countTransfers(db, filters) : { count: offset + rows.length, capped: hasMore },
  };
}

/** How many transfers match the view (paging aside), counted up to `historyTotalCap`. */
export async function countTransfers(db: Db, filters: HistoryFilters): Promise<HistoryTotal> {
  const bound = bindFilters(filters, { dialect: dialectOf(db) });
  const counter = oncePerConnection(db, `history count|${bound.shape}`, () =>
    db
      .select({ n: count() })
      .from(db.select({ id: transfers.id }).from(transfers).where(bound.where()).limit(historyTotalCap + 1).as("matching"))
      .prepare(),
  );
  const counted = (await firstOf<{ n: number }>(db, counter, bound.values))?.n ?? 0;
  return { count: Math.min(counted, historyTotalCap), capped: counted > historyTotalCap };
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

export async function getTransferDetail(db: Db, id: number): Promise<TransferDetail | undefined> {
  const found = await first(
    db
      .select({ transfer: transfers, makerName: maker.name, approverName: approver.name })
      .from(transfers)
      .innerJoin(maker, eq(maker.id, transfers.makerId))
      .leftJoin(approver, eq(approver.id, transfers.approverId))
      .where(eq(transfers.id, id))
      .limit(1),
  );
  if (!found) return undefined;
  const { transfer } = found;
  const nameOf = async (userId: number | null) =>
    userId === null ? null : ((await first(db.select({ name: users.name }).from(users).where(eq(users.id, userId)).limit(1)))?.name ?? null);
  // Independent reads outside a transaction: asked together.
  const [inquiry, retryOf, retry, resolutionByName, discrepancyReviewedByName, calls, audit] = await Promise.all([
    first(db.select().from(inquiries).where(eq(inquiries.id, transfer.inquiryId)).limit(1)),
    transfer.retryOfId === null
      ? undefined
      : first(db.select({ id: transfers.id, reference: transfers.reference }).from(transfers).where(eq(transfers.id, transfer.retryOfId)).limit(1)),
    first(db.select({ id: transfers.id, reference: transfers.reference }).from(transfers).where(eq(transfers.retryOfId, id)).limit(1)),
    nameOf(transfer.resolutionBy),
    nameOf(transfer.discrepancyReviewedBy),
    db
      .select()
      .from(gatewayCalls)
      .where(or(eq(gatewayCalls.transferId, id), eq(gatewayCalls.inquiryId, transfer.inquiryId)))
      .orderBy(asc(gatewayCalls.startedAt), asc(gatewayCalls.id)),
    db
      .select({ entry: auditEntries, actorName: users.name })
      .from(auditEntries)
      .leftJoin(users, eq(users.id, auditEntries.actorId))
      .where(and(eq(auditEntries.targetType, "transfer"), eq(auditEntries.targetId, String(id))))
      .orderBy(asc(auditEntries.at), asc(auditEntries.id)),
  ]);
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
    resolutionByName,
    discrepancyReviewedByName,
    timeline,
  };
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

export async function dashboardSummary(db: Db, now: Date): Promise<DashboardSummary> {
  const start = startOfJakartaDay(now);
  const end = new Date(start.getTime() + dayMs);
  // Each statement prepared once per connection (on every visit of the overview), the day's bounds as placeholders.
  const tallyToday = oncePerConnection(db, "overview: today by status", () =>
    db
      .select({ status: transfers.status, count: count(), total: sql<number>`coalesce(sum(${transfers.amount}), 0)`.mapWith(Number) })
      .from(transfers)
      .where(
        and(
          // Every status named: the day's transfers are then read status by status along transfers_status_created, which
          // carries the amount and the batch (a covering index), already grouped; by their time alone, SQLite read each
          // row and sorted the day's thousands by status (3 ms at 11,000 transfers a day, a tenth of the page).
          inArray(transfers.status, [...transferStatuses]),
          gte(transfers.createdAt, sql.placeholder("start")),
          lt(transfers.createdAt, sql.placeholder("end")),
          // A scheduled batch's rows wait for their time: "Scheduled today" counts them, not "Sent today" (docs/batches.md#scheduled-batches).
          sql`not (${transfers.status} = 'approved' and ${inScheduledBatch})`,
        ),
      )
      .groupBy(transfers.status)
      .prepare(),
  );
  // An aggregate: one row whatever matches.
  const countWhere = async (key: string, where: SQL) =>
    (await firstOf<{ n: number }>(db, oncePerConnection(db, `overview: ${key}`, () => db.select({ n: count() }).from(transfers).where(where).prepare()), {}))?.n ?? 0;
  const latestRows = oncePerConnection(db, "overview: latest", () =>
    db.select(historyColumns).from(transfers).innerJoin(maker, eq(maker.id, transfers.makerId)).orderBy(desc(transfers.createdAt), desc(transfers.id)).limit(10).prepare(),
  );
  // Independent reads outside a transaction: asked together.
  const [tallies, awaitingApproval, unsettled, latest] = await Promise.all([
    allOf<StatusTally>(db, tallyToday, { start: timeValue(db, start), end: timeValue(db, end) }),
    countWhere("awaiting approval", eq(transfers.status, "awaiting_approval")),
    countWhere("unsettled", inArray(transfers.status, [...unsettledAtGateway])),
    tuplesOf(db, latestRows, {}).then((rows) => (rows as HistoryTuple[]).map(historyRow)),
  ]);
  const byStatus = transferStatuses.map((status) => tallies.find((t) => t.status === status) ?? { status, count: 0, total: 0 });
  return {
    today: {
      count: byStatus.reduce((sum, t) => sum + t.count, 0),
      total: byStatus.reduce((sum, t) => sum + t.total, 0),
      byStatus,
    },
    awaitingApproval,
    unsettled,
    latest,
  };
}
