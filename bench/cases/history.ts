import type { Db } from "@/db/client";
import { countTransfers, listTransfers } from "@/lib/transfers/history";
import { parseHistoryFilters } from "@/lib/transfers/history-filters";
import { pairedSamplesAsync, percentile, result, timeMsAsync, type CaseResult } from "../measure";
import type { Seeded } from "../seed";

/**
 * Case 1: the history page's data access (`listTransfers`) against the hand-written SQL a person would
 * write for the same rows, on the same connection. A page counts nothing beyond its own rows (issue 12):
 * the capped count, asked for on its own (`countTransfers`), is timed beside it, without a target.
 */

export type View = {
  name: string;
  /** The page's query string. */
  query: string;
  /** The same page's rows in one hand-written statement, and its parameters. */
  sql: string;
  params: unknown[];
};

// What the history page reads, the memo included (issue 16), so both sides read the same bytes.
const columns = `t.id, t.reference, t.wallet, t.phone, t.amount, t.owner_name, t.memo, t.status, t.maker_id, m.name as maker_name, t.created_at`;
const newestFirst = `order by t.created_at desc, t.id desc`;

const jakartaOffsetMs = 7 * 60 * 60 * 1000;
const dayMs = 24 * 60 * 60 * 1000;
const jakartaDay = (at: number) => new Date(at + jakartaOffsetMs).toISOString().slice(0, 10);
const jakartaMidnight = (day: string) => Date.parse(`${day}T00:00:00+07:00`);

/**
 * The views with their hand-written SQL for SQLite, or for PostgreSQL (`$n` placeholders, times as timestamps, and
 * ILIKE for the case-folded search: the same statements with that database's spelling).
 */
export function historyViews(seeded: Seeded, { deepPage, dialect = "sqlite" }: { deepPage: number; dialect?: "sqlite" | "postgres" }): View[] {
  return views(seeded, deepPage).map((view) => {
    // SQLite stores instants as epoch milliseconds.
    if (dialect === "sqlite") return { ...view, params: view.params.map((param) => (param instanceof Date ? param.getTime() : param)) };
    let n = 0;
    return { ...view, sql: view.sql.replaceAll("?", () => `$${++n}`).replaceAll(" like ", " ilike ") };
  });
}

/** Written for SQLite, with instants as dates. */
function views(seeded: Seeded, deepPage: number): View[] {
  const to = jakartaDay(seeded.now.getTime());
  const from = jakartaDay(seeded.now.getTime() - 30 * dayMs);
  const maker = seeded.makers[3]!.id;
  const family = seeded.familyNames[0]!;
  const pageSize = 25;
  return [
    {
      name: "first page, newest first",
      query: "",
      sql: `select ${columns} from transfers t join users m on m.id = t.maker_id ${newestFirst} limit ${pageSize}`,
      params: [],
    },
    {
      name: "status failed",
      query: "status=failed",
      sql: `select ${columns} from transfers t join users m on m.id = t.maker_id where t.status = ? ${newestFirst} limit ${pageSize}`,
      params: ["failed"],
    },
    {
      name: "wallet OVO, last 30 days",
      query: `wallet=OVO&from=${from}&to=${to}`,
      sql: `select ${columns} from transfers t join users m on m.id = t.maker_id
            where t.wallet = ? and t.created_at >= ? and t.created_at < ? ${newestFirst} limit ${pageSize}`,
      params: ["OVO", new Date(jakartaMidnight(from)), new Date(jakartaMidnight(to) + dayMs)],
    },
    {
      name: "maker + succeeded + Rp 1–5 million",
      query: `maker=${maker}&status=succeeded&min=1000000&max=5000000`,
      sql: `select ${columns} from transfers t join users m on m.id = t.maker_id
            where t.maker_id = ? and t.status = ? and t.amount between ? and ? ${newestFirst} limit ${pageSize}`,
      params: [maker, "succeeded", 1_000_000, 5_000_000],
    },
    {
      name: `search "${family.toLowerCase()}" (owner name or memo)`,
      query: `q=${family.toLowerCase()}`,
      // Words are looked for in the owner's name and the memo (issue 16), as the page does.
      sql: `select ${columns} from transfers t join users m on m.id = t.maker_id where (t.owner_name like ? or t.memo like ?) ${newestFirst} limit ${pageSize}`,
      params: [`%${family.toLowerCase()}%`, `%${family.toLowerCase()}%`],
    },
    {
      // Skipping rows costs the same however it is written; a person who knows would skip along the
      // covering index and read only the page's rows, as the app does.
      name: `deep page ${deepPage}`,
      query: `page=${deepPage}`,
      sql: `select ${columns} from transfers t join users m on m.id = t.maker_id
            where t.id in (select id from transfers order by created_at desc, id desc limit ${pageSize} offset ${(deepPage - 1) * pageSize})
            ${newestFirst}`,
      params: [],
    },
  ];
}

/** Runs a view's hand-written SQL; by default a statement prepared on the SQLite connection. */
export type Baseline = (view: View) => () => Promise<{ id: number }[]>;

const sqliteBaseline =
  (db: Db): Baseline =>
  (view) => {
    const statement = db.$client.prepare(view.sql);
    return async () => statement.all(...view.params) as { id: number }[];
  };

export async function historyCase(db: Db, views: View[], { runs, baseline = sqliteBaseline(db), label = "" }: { runs: number; baseline?: Baseline; label?: string }): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const counts: { view: string; p95: number }[] = [];
  for (const view of views) {
    const filters = parseHistoryFilters(new URLSearchParams(view.query));
    const byHand = baseline(view);
    const ours = (await listTransfers(db, filters)).rows.map((row) => row.id);
    const theirs = (await byHand()).map((row) => row.id);
    if (ours.length === 0 || ours.join() !== theirs.join()) {
      throw new Error(`history "${view.name}": the baseline SQL does not return the page's rows (${ours.length} vs ${theirs.length})`);
    }
    // The baseline is awaited too (it runs at once): both sides pay the same for the await.
    const samples = await pairedSamplesAsync(
      runs,
      () => listTransfers(db, filters),
      byHand,
    );
    for (const [percentileName, p] of [["p50", 0.5], ["p95", 0.95]] as const) {
      results.push(
        result(
          `${label}history: ${view.name} (${percentileName})`,
          "ms",
          percentile(samples.subject, p),
          percentile(samples.baseline, p),
          percentileName === "p95" ? { of: "ratio", op: "<=", limit: 1.5 } : undefined,
        ),
      );
    }
    const countRuns = Math.max(20, Math.round(runs / 5));
    for (let i = 0; i < 5; i++) await countTransfers(db, filters);
    const countSamples: number[] = [];
    for (let i = 0; i < countRuns; i++) countSamples.push(await timeMsAsync(() => countTransfers(db, filters)));
    counts.push({ view: view.name, p95: percentile(countSamples, 0.95) });
  }
  const slowest = counts.reduce((a, b) => (b.p95 > a.p95 ? b : a));
  results.push(result(`${label}history: capped count when asked, slowest view: ${slowest.view} (p95)`, "ms", slowest.p95, null));
  return results;
}
