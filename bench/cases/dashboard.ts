import type { Db } from "@/db/client";
import { outcomeShare, paidVolume, rangeInstants, timeToSettle, topRecipients } from "@/lib/dashboard/figures";
import { lastDays } from "@/lib/dashboard/range";
import { pairedSamplesAsync, percentile, result, timeMsAsync, type CaseResult } from "../measure";
import type { Seeded } from "../seed";

/**
 * Case 1b: the overview dashboard's figures (lib/dashboard/figures.ts) over the default range, the last 30
 * days, against the SQL a person would write for the same numbers, on the same connection: the history
 * page's budget, p95 at most 1.5× its baseline. Each pair is checked to give the same numbers first. The
 * four figures together are reported beside them in milliseconds, without a target: they read every
 * transfer of the range, so they grow with the range's transfers (docs/dashboard.md#cost).
 */

type Figure = {
  name: string;
  ours: (db: Db) => Promise<unknown>;
  /** The same figure in one hand-written statement, and how to compare its answer with ours. */
  sql: string;
  same: (ours: unknown, theirs: unknown[]) => boolean;
};

const jakartaOffsetMs = 7 * 60 * 60 * 1000;
const dayMs = 24 * 60 * 60 * 1000;

function figures(range: ReturnType<typeof lastDays>): Figure[] {
  const paidInRange = `status = 'succeeded' and created_at >= @start and created_at < @end`;
  return [
    {
      name: "volume per day and wallet",
      ours: (db) => paidVolume(db, range),
      sql: `select (created_at + ${jakartaOffsetMs}) / ${dayMs} as day, wallet, count(*) as n, sum(amount) as total
            from transfers where ${paidInRange} group by day, wallet`,
      same: (ours, theirs) => {
        const volume = ours as Awaited<ReturnType<typeof paidVolume>>;
        const rows = theirs as { n: number; total: number }[];
        return volume.total === rows.reduce((sum, r) => sum + r.total, 0) && volume.count === rows.reduce((sum, r) => sum + r.n, 0);
      },
    },
    {
      name: "outcomes at Cash In",
      ours: (db) => outcomeShare(db, range),
      // Grouped by status over the range, as a person would first write it.
      sql: `select status, count(*) as n from transfers where created_at >= @start and created_at < @end
            and status in ('succeeded', 'failed', 'sending', 'processing', 'refunded', 'unresolved') group by status`,
      same: (ours, theirs) => (ours as Awaited<ReturnType<typeof outcomeShare>>).total === (theirs as { n: number }[]).reduce((sum, r) => sum + r.n, 0),
    },
    {
      name: "median time to settle",
      ours: (db) => timeToSettle(db, range),
      // The textbook window-function median.
      sql: `select avg(ms) as median from (
              select ms, row_number() over (order by ms) as rn, count(*) over () as n
              from (select settled_at - sent_at as ms from transfers where ${paidInRange} and sent_at is not null and settled_at is not null))
            where rn in ((n + 1) / 2, (n + 2) / 2)`,
      same: (ours, theirs) => (ours as Awaited<ReturnType<typeof timeToSettle>>).medianMs === (theirs as { median: number | null }[])[0]?.median,
    },
    {
      name: "top 10 recipients",
      ours: (db) => topRecipients(db, range),
      sql: `select sum(amount) as total from transfers where ${paidInRange}
            group by recipient_id, case when recipient_id is null then wallet end, case when recipient_id is null then phone end
            order by total desc limit 10`,
      same: (ours, theirs) =>
        (ours as Awaited<ReturnType<typeof topRecipients>>).map((r) => r.total).join() === (theirs as { total: number }[]).map((r) => r.total).join(),
    },
  ];
}

export async function dashboardCase(db: Db, seeded: Seeded, { runs }: { runs: number }): Promise<CaseResult[]> {
  const range = lastDays(seeded.now);
  const params = rangeInstants(range);
  const results: CaseResult[] = [];
  const all = figures(range);
  for (const figure of all) {
    const statement = db.$client.prepare(figure.sql);
    if (!figure.same(await figure.ours(db), statement.all(params))) throw new Error(`dashboard "${figure.name}": the baseline SQL does not give the same numbers`);
    // The baseline is awaited too (it runs at once): both sides pay the same for the await.
    const samples = await pairedSamplesAsync(
      runs,
      () => figure.ours(db),
      async () => statement.all(params),
      2,
    );
    for (const [label, p] of [["p50", 0.5], ["p95", 0.95]] as const) {
      results.push(
        result(
          `dashboard: ${figure.name}, last 30 days (${label})`,
          "ms",
          percentile(samples.subject, p),
          percentile(samples.baseline, p),
          label === "p95" ? { of: "ratio", op: "<=", limit: 1.5 } : undefined,
        ),
      );
    }
  }
  const together: number[] = [];
  for (let i = 0; i < Math.max(5, Math.round(runs / 2)); i++) {
    together.push(
      await timeMsAsync(async () => {
        for (const figure of all) await figure.ours(db);
      }),
    );
  }
  results.push(result("dashboard: the four figures together, last 30 days (p95)", "ms", percentile(together, 0.95), null));
  return results;
}
