import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { dialectOf, type Dialect } from "@/db/dialect";
import { rowsOf, timeValue } from "@/db/statements";
import { wallets, type TransferStatus } from "@/db/schema";
import type { Wallet } from "@/lib/cashin/protocol";
import { jakartaDayStart, jakartaOffsetMs } from "@/lib/jakarta";
import { outcomeOf, outcomes, paidStatus, type Outcome } from "./outcomes";
import type { DashboardRange } from "./range";

/*
 * The overview's dashboard (docs/dashboard.md): figures over the transfers created in a range of Jakarta
 * days, each one SQL statement over `transfers`. Every statement reads only the range's rows, along
 * transfers_status_created (status, created_at): the work grows with the range's transfers, never with the
 * table, and the range is at most a year (range.ts). The statements are SQL of our own: what SQLite and PostgreSQL
 * spell differently (a time as milliseconds or a timestamptz, the median) is chosen by `dialectOf(db)` below, and
 * numbers are read with `Number` (PostgreSQL answers bigint counts and sums as text).
 */

export type Tally = { count: number; total: number };

const reachedCashIn = Object.keys(outcomeOf) as TransferStatus[];

export type DayVolume = Tally & { day: string; byWallet: Record<Wallet, Tally> };

export type TopRecipient = Tally & {
  /** The saved recipient the transfers were made from; null for a wallet and number paid without one. */
  recipientId: number | null;
  label: string | null;
  wallet: Wallet;
  phone: string;
  ownerName: string;
};

export type DashboardFigures = {
  range: DashboardRange;
  /** Paid transfers per Jakarta day of the range (every day, oldest first), per wallet. */
  volume: { days: DayVolume[]; byWallet: Record<Wallet, Tally> } & Tally;
  /** Transfers that reached Cash In, by outcome; `total` is their number. */
  outcomes: Record<Outcome, number> & { total: number };
  /** Sent → succeeded, in milliseconds: the median over `count` paid transfers; null without any. */
  timeToSettle: { medianMs: number | null; count: number };
  /** At most 10, the most rupiah paid first. */
  topRecipients: TopRecipient[];
};

const dayMs = 24 * 60 * 60 * 1000;
/** The Jakarta day of `created_at`, as whole days since 1970-01-01 (constants inlined: integer division). */
const jakartaDayIndex = (dialect: Dialect): SQL =>
  dialect === "postgres"
    ? sql.raw(`floor((extract(epoch from created_at) * 1000 + ${jakartaOffsetMs}) / ${dayMs})`)
    : sql.raw(`(created_at + ${jakartaOffsetMs}) / ${dayMs}`);

/** The range's bounds as the database compares `created_at` with them. */
function rangeBounds(db: Db, range: DashboardRange): { start: number; end: number; from: Date | number; until: Date | number } {
  const { start, end } = rangeInstants(range);
  return { start, end, from: timeValue(db, new Date(start)), until: timeValue(db, new Date(end)) };
}
const dayOfIndex = (index: number) => new Date(index * dayMs).toISOString().slice(0, 10);

/** The range as instants: from the start of `from` to the start of the day after `to`. */
export function rangeInstants(range: DashboardRange): { start: number; end: number } {
  return { start: jakartaDayStart(range.from).getTime(), end: jakartaDayStart(range.to, 1).getTime() };
}

const emptyByWallet = (): Record<Wallet, Tally> => Object.fromEntries(wallets.map((w) => [w, { count: 0, total: 0 }])) as Record<Wallet, Tally>;

export async function paidVolume(db: Db, range: DashboardRange): Promise<DashboardFigures["volume"]> {
  const { start, end, from, until } = rangeBounds(db, range);
  const rows = await rowsOf<{ day: number | string; wallet: Wallet; count: number | string; total: number | string }>(db, sql`
    select ${jakartaDayIndex(dialectOf(db))} as day, wallet, count(*) as count, sum(amount) as total
    from transfers
    where status = ${paidStatus} and created_at >= ${from} and created_at < ${until}
    group by day, wallet`);
  const byDay = new Map(rows.map((row) => [`${dayOfIndex(Number(row.day))} ${row.wallet}`, { count: Number(row.count), total: Number(row.total) }]));
  const byWallet = emptyByWallet();
  const days: DayVolume[] = [];
  for (let at = start; at < end; at += dayMs) {
    const day = dayOfIndex(Math.floor((at + jakartaOffsetMs) / dayMs));
    const entry: DayVolume = { day, count: 0, total: 0, byWallet: emptyByWallet() };
    for (const wallet of wallets) {
      const row = byDay.get(`${day} ${wallet}`);
      if (!row) continue;
      entry.byWallet[wallet] = { count: row.count, total: row.total };
      entry.count += row.count;
      entry.total += row.total;
      byWallet[wallet].count += row.count;
      byWallet[wallet].total += row.total;
    }
    days.push(entry);
  }
  return { days, byWallet, count: days.reduce((sum, d) => sum + d.count, 0), total: days.reduce((sum, d) => sum + d.total, 0) };
}

export async function outcomeShare(db: Db, range: DashboardRange): Promise<DashboardFigures["outcomes"]> {
  const { from, until } = rangeBounds(db, range);
  // One index range per status (status = ? and created_at between): only the index is read, never a row.
  const rows = await rowsOf<{ status: TransferStatus; count: number | string }>(db, sql`
    select status, count(*) as count
    from transfers
    where status in (${sql.join(reachedCashIn.map((s) => sql`${s}`), sql`, `)}) and created_at >= ${from} and created_at < ${until}
    group by status`);
  const share = { ...(Object.fromEntries(outcomes.map((o) => [o, 0])) as Record<Outcome, number>), total: 0 };
  for (const row of rows) {
    share[outcomeOf[row.status]!] += Number(row.count);
    share.total += Number(row.count);
  }
  return share;
}

/**
 * The median of settled_at − sent_at over the range's paid transfers: the time Cash In took, without the
 * wait for an approval, and without those whose outcome an admin recorded (their settled_at is when people
 * agreed, not when Cash In paid). The middle row (odd count) or the mean of the two middle rows (even count).
 */
export async function timeToSettle(db: Db, range: DashboardRange): Promise<DashboardFigures["timeToSettle"]> {
  const { from, until } = rangeBounds(db, range);
  const paid = sql`status = ${paidStatus} and created_at >= ${from} and created_at < ${until}
        and sent_at is not null and settled_at is not null and resolution_by is null`;
  const [row] = await rowsOf<{ count: number | string; median: number | string | null }>(
    db,
    dialectOf(db) === "postgres"
      ? // percentile_cont(0.5) is the middle value, or the mean of the two middle ones.
        sql`select count(*) as count, percentile_cont(0.5) within group (order by extract(epoch from settled_at - sent_at) * 1000) as median
        from transfers where ${paid}`
      : sql`
    with settle as materialized (
      select settled_at - sent_at as ms
      from transfers
      where ${paid}
    ),
    size as (select count(*) as n from settle)
    select (select n from size) as count,
      (select avg(ms) from (
        select ms from settle order by ms
        limit 2 - (select n from size) % 2 offset ((select n from size) - 1) / 2
      )) as median`,
  );
  return { medianMs: row?.median === null || row?.median === undefined ? null : Math.round(Number(row.median) * 1000) / 1000, count: Number(row?.count ?? 0) };
}

/**
 * The 10 recipients paid the most rupiah: one line per wallet and number, and per saved recipient among them
 * (paid through a saved recipient, or without one, are two lines). A saved recipient whose number was changed
 * is a line per number: those are two owners' money. Each line is named by the owner its latest transfer was
 * paid to (the highest id: transfers are numbered as they are made), never by the recipient's record today.
 */
export async function topRecipients(db: Db, range: DashboardRange, limit = 10): Promise<TopRecipient[]> {
  const { from, until } = rangeBounds(db, range);
  const rows = await rowsOf<{
    recipientId: number | null;
    label: string | null;
    wallet: Wallet;
    phone: string;
    ownerName: string;
    count: number | string;
    total: number | string;
  }>(db, sql`
    select paid.recipient_id as "recipientId", r.label as label,
      latest.wallet as wallet, latest.phone as phone, latest.owner_name as "ownerName", paid.count as count, paid.total as total
    from (
      -- Only the group's keys and sums go through the grouping; the names come from its latest transfer after.
      select recipient_id, max(id) as latest, count(*) as count, sum(amount) as total
      from transfers
      where status = ${paidStatus} and created_at >= ${from} and created_at < ${until}
      group by recipient_id, wallet, phone
      order by total desc, count desc, latest desc
      limit ${limit}
    ) paid
    join transfers latest on latest.id = paid.latest
    left join recipients r on r.id = paid.recipient_id
    order by paid.total desc, paid.count desc, paid.latest desc`);
  return rows.map((row) => ({ ...row, count: Number(row.count), total: Number(row.total) }));
}

export async function dashboardFigures(db: Db, range: DashboardRange): Promise<DashboardFigures> {
  // One after the other: on SQLite each is a second of CPU on the one thread; on PostgreSQL one connection will do.
  const volume = await paidVolume(db, range);
  const outcomes = await outcomeShare(db, range);
  const settle = await timeToSettle(db, range);
  const top = await topRecipients(db, range);
  return { range, volume, outcomes, timeToSettle: settle, topRecipients: top };
}
