import "server-only";
import { and, asc, count, desc, eq, gte, inArray, isNotNull, lt, ne, or, sql, sum, type SQL } from "drizzle-orm";
import { startOfJakartaDay } from "@/lib/jakarta";
import { first, type Db } from "@/db/client";
import { alias } from "drizzle-orm/sqlite-core";
import { batchRows, batches, transfers, users, type Batch, type BatchRowState, type TransferStatus } from "@/db/schema";

/** The read side of batch payouts: the list, one batch's totals and progress, its rows (the results export is lib/batches/export.ts). */

export async function batchReference(db: Db, id: number): Promise<{ id: number; reference: string } | undefined> {
  return first(db.select({ id: batches.id, reference: batches.reference }).from(batches).where(eq(batches.id, id)).limit(1));
}

const liveRows = (batchId: number) => and(eq(batchRows.batchId, batchId), ne(batchRows.state, "removed"));

export type BatchListItem = Batch & { makerName: string; rows: number; total: number; flagged: number };

/** A row flagged for its maker and approver: it repeats an earlier row, or a payment made recently. */
const flagged = sql`(${batchRows.duplicateOfLine} is not null or ${batchRows.nearDuplicateOf} is not null)`;

/** Batches with their size and total (rows not removed), counted per listed batch through the batch_rows index. */
async function batchList(db: Db, where: SQL | undefined, order: SQL[], limit: number): Promise<BatchListItem[]> {
  const live = and(eq(batchRows.batchId, batches.id), ne(batchRows.state, "removed"));
  const rows = await db
    .select({
      batch: batches,
      makerName: users.name,
      rows: sql<number>`(select count(*) from ${batchRows} where ${live})`.mapWith(Number),
      total: sql<number>`(select coalesce(sum(${batchRows.amount}), 0) from ${batchRows} where ${live})`.mapWith(Number),
      flagged: sql<number>`(select count(*) from ${batchRows} where ${live} and ${flagged})`.mapWith(Number),
    })
    .from(batches)
    .innerJoin(users, eq(users.id, batches.makerId))
    .where(where)
    .orderBy(...order)
    .limit(limit);
  return rows.map((r) => ({ ...r.batch, makerName: r.makerName, rows: r.rows, total: r.total, flagged: r.flagged }));
}

/** The most recent batches, newest first. */
export function listBatches(db: Db, { limit = 100 } = {}): Promise<BatchListItem[]> {
  return batchList(db, undefined, [desc(batches.createdAt), desc(batches.id)], limit);
}

/** The batches waiting for a manager, oldest first. */
export function batchesAwaitingApproval(db: Db): Promise<BatchListItem[]> {
  return batchList(db, eq(batches.status, "awaiting_approval"), [asc(batches.submittedAt), asc(batches.id)], 500);
}

export type BatchOverview = {
  batch: Batch;
  makerName: string;
  approverName: string | null;
  /** Rows that are not removed, by state. */
  rows: Record<BatchRowState, number> & { all: number; duplicates: number; attention: number };
  /** The sum of the amounts of rows not removed (those whose amount is valid). */
  total: number;
  /** After submit: the rows' transfers by status. */
  transfers: Partial<Record<TransferStatus, { count: number; amount: number }>>;
};

export async function batchOverview(db: Db, id: number): Promise<BatchOverview | undefined> {
  const batch = await first(db.select().from(batches).where(eq(batches.id, id)).limit(1));
  if (!batch) return undefined;
  const nameOf = async (userId: number | null) => (userId === null ? null : ((await first(db.select({ name: users.name }).from(users).where(eq(users.id, userId)).limit(1)))?.name ?? null));
  const rows = { pending: 0, ok: 0, invalid: 0, unconfirmed: 0, removed: 0, all: 0, duplicates: 0, attention: 0 };
  let total = 0;
  for (const r of await db
    .select({ state: batchRows.state, n: count(), amount: sum(batchRows.amount), duplicates: sql<number>`sum(case when ${flagged} then 1 else 0 end)`.mapWith(Number) })
    .from(batchRows)
    .where(eq(batchRows.batchId, id))
    .groupBy(batchRows.state)) {
    rows[r.state] = r.n;
    if (r.state === "removed") continue;
    rows.all += r.n;
    rows.duplicates += r.duplicates;
    total += Number(r.amount ?? 0);
  }
  rows.attention = rows.invalid + rows.unconfirmed + (batch.duplicatesAccepted ? 0 : rows.duplicates);
  const byStatus: BatchOverview["transfers"] = {};
  for (const t of await db
    .select({ status: transfers.status, n: count(), amount: sum(transfers.amount) })
    .from(transfers)
    .where(eq(transfers.batchId, id))
    .groupBy(transfers.status)) {
    byStatus[t.status] = { count: t.n, amount: Number(t.amount ?? 0) };
  }
  return { batch, makerName: (await nameOf(batch.makerId)) ?? "", approverName: await nameOf(batch.approverId), rows, total, transfers: byStatus };
}

export const batchRowViews = ["all", "attention", "removed"] as const;
export type BatchRowView = (typeof batchRowViews)[number];
export const batchRowsPageSize = 100;

export type BatchRowItem = {
  id: number;
  line: number;
  rawWallet: string;
  rawPhone: string;
  rawAmount: string;
  note: string | null;
  wallet: (typeof batchRows.$inferSelect)["wallet"];
  phone: string | null;
  amount: number | null;
  state: BatchRowState;
  problem: string | null;
  ownerName: string | null;
  duplicateOfLine: number | null;
  /** A recent transfer outside this batch to the same wallet, phone and amount. */
  nearDuplicate: { id: number; reference: string } | null;
  transferId: number | null;
  transferStatus: TransferStatus | null;
  transferReference: string | null;
  cashinReference: string | null;
  outcome: string | null;
};

function rowsWhere(batchId: number, view: BatchRowView) {
  if (view === "removed") return and(eq(batchRows.batchId, batchId), eq(batchRows.state, "removed"));
  if (view === "attention") {
    return and(liveRows(batchId), or(inArray(batchRows.state, ["invalid", "unconfirmed"]), isNotNull(batchRows.duplicateOfLine), isNotNull(batchRows.nearDuplicateOf)));
  }
  return liveRows(batchId);
}

const earlier = alias(transfers, "earlier");

const rowColumns = {
  id: batchRows.id,
  line: batchRows.line,
  rawWallet: batchRows.rawWallet,
  rawPhone: batchRows.rawPhone,
  rawAmount: batchRows.rawAmount,
  note: batchRows.note,
  wallet: batchRows.wallet,
  phone: batchRows.phone,
  amount: batchRows.amount,
  state: batchRows.state,
  problem: batchRows.problem,
  ownerName: batchRows.ownerName,
  duplicateOfLine: batchRows.duplicateOfLine,
  nearDuplicateId: earlier.id,
  nearDuplicateReference: earlier.reference,
  transferId: batchRows.transferId,
  transferStatus: transfers.status,
  transferReference: transfers.reference,
  cashinReference: transfers.cashinReference,
  outcome: sql<string | null>`coalesce(${transfers.reason}, ${transfers.lastMessage})`,
};

/** One page of a batch's rows in file order; `view` narrows to the rows needing attention or the removed ones. */
export async function batchRowsPage(db: Db, batchId: number, { view = "all", page = 1 }: { view?: BatchRowView; page?: number } = {}) {
  const where = rowsWhere(batchId, view);
  const found = await db
    .select(rowColumns)
    .from(batchRows)
    .leftJoin(transfers, eq(transfers.id, batchRows.transferId))
    .leftJoin(earlier, eq(earlier.id, batchRows.nearDuplicateOf))
    .where(where)
    .orderBy(asc(batchRows.line), asc(batchRows.id))
    .limit(batchRowsPageSize)
    .offset((page - 1) * batchRowsPageSize);
  const rows: BatchRowItem[] = found.map(({ nearDuplicateId, nearDuplicateReference, ...row }) => ({
    ...row,
    nearDuplicate: nearDuplicateId !== null && nearDuplicateReference !== null ? { id: nearDuplicateId, reference: nearDuplicateReference } : null,
  }));
  const total = (await first(db.select({ n: count() }).from(batchRows).where(where)))?.n ?? 0;
  return { rows, total, page, pages: Math.max(1, Math.ceil(total / batchRowsPageSize)) };
}

/**
 * Batches scheduled to send on the Jakarta day of `now` and not sent yet (docs/batches.md#scheduled-batches): how many,
 * and their rows' total. For the overview's "Scheduled today".
 */
export async function scheduledToday(db: Db, now: Date): Promise<{ count: number; total: number }> {
  const start = startOfJakartaDay(now);
  const end = new Date(start.getTime() + 24 * 60 * 60_000);
  const row = await first(
    db
      .select({ count: sql<number>`count(distinct ${batches.id})`.mapWith(Number), total: sql<number>`coalesce(sum(${transfers.amount}), 0)`.mapWith(Number) })
      .from(batches)
      .innerJoin(transfers, eq(transfers.batchId, batches.id))
      .where(and(eq(batches.status, "scheduled"), gte(batches.sendAt, start), lt(batches.sendAt, end))),
  );
  return { count: row?.count ?? 0, total: row?.total ?? 0 };
}
