import "server-only";
import { and, asc, count, desc, eq, gte, inArray, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "@/db/client";
import {
  auditEntries,
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
import { jakartaDayStart, startOfJakartaDay } from "./clock";
import type { HistoryFilters } from "./history-filters";
import { unsettledAtGateway } from "./status";

/*
 * The read side of transfers: the history screen, a transfer's detail and the home dashboard. Built for
 * 1,000,000 transfers: every list is ordered along an index of db/schema.ts and pages never count the
 * whole table. The CSV export of a view is in export.ts.
 */

const dayMs = 24 * 60 * 60 * 1000;

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
export function whereOf(f: HistoryFilters, { amountIndex = true } = {}): SQL | undefined {
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

export function sortKey(f: Pick<HistoryFilters, "sort">) {
  return f.sort === "amount" ? transfers.amount : transfers.createdAt;
}

/** Ties broken by id, so that pages and export batches never skip or repeat a transfer. */
export function orderOf(f: Pick<HistoryFilters, "sort" | "dir">): SQL[] {
  const direction = f.dir === "asc" ? asc : desc;
  return [direction(sortKey(f)), direction(transfers.id)];
}

// ---------------------------------------------------------------------------------------------------
// History

export const maker = alias(users, "maker");
export const approver = alias(users, "approver");

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
export function walkSortOrder(db: Db, f: HistoryFilters): boolean {
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
