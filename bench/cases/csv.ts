import type { Db } from "@/db/client";
import { parseHistoryFilters } from "@/lib/transfers/history-filters";
import { streamTransfersCsv } from "@/lib/transfers/export";
import { interleavedThroughput, result, type CaseResult } from "../measure";

/**
 * Case 2: the CSV export of a filtered set (the real streaming code, read to the end as a client would)
 * against iterating the same rows with one raw statement. Memory is the resident set's peak growth
 * while an export runs.
 */

const dayMs = 24 * 60 * 60 * 1000;
const jakartaOffsetMs = 7 * 60 * 60 * 1000;
const dayOf = (index: number) => new Date(index * dayMs).toISOString().slice(0, 10);

/** The most recent Jakarta calendar days that together hold at least `rows` transfers. */
function recentDaysHolding(db: Db, rows: number): { from: string; to: string } {
  const perDay = db.$client
    .prepare(`select (created_at + ${jakartaOffsetMs}) / ${dayMs} as day, count(*) as n from transfers group by day order by day desc`)
    .all() as { day: number; n: number }[];
  let total = 0;
  for (const { day, n } of perDay) {
    total += n;
    if (total >= rows) return { from: dayOf(day), to: dayOf(perDay[0]!.day) };
  }
  throw new Error(`the database holds fewer than ${rows} transfers`);
}

const exportColumns = `t.id, t.reference, t.created_at, t.wallet, t.phone, t.owner_name, t.amount, t.status, m.name as maker_name,
  a.name as approver_name, t.decided_at, t.reason, t.cashin_reference, t.last_code, t.last_message, t.sent_at, t.settled_at`;

export async function csvCase(db: Db, { rows, rounds }: { rows: number; rounds: number }): Promise<CaseResult[]> {
  const { from, to } = recentDaysHolding(db, rows);
  const filters = parseHistoryFilters(new URLSearchParams({ from, to }));
  const statement = db.$client.prepare(
    `select ${exportColumns} from transfers t join users m on m.id = t.maker_id left join users a on a.id = t.approver_id
     where t.created_at >= ? and t.created_at < ? order by t.created_at desc, t.id desc`,
  );
  const range = [Date.parse(`${from}T00:00:00+07:00`), Date.parse(`${to}T00:00:00+07:00`) + dayMs];

  const growth = { subject: 0, baseline: 0 };
  const iterateRaw = () => {
    const before = process.memoryUsage.rss();
    let count = 0;
    for (const _row of statement.iterate(...range)) {
      // Sampling every row would cost more than the iteration itself.
      if (++count % 500 === 0) growth.baseline = Math.max(growth.baseline, process.memoryUsage.rss() - before);
    }
    return count;
  };
  /** Reads the whole stream; returns its lines, header excluded, when asked to count them. */
  const exportCsv = async ({ countLines }: { countLines: boolean }) => {
    const before = process.memoryUsage.rss();
    const reader = streamTransfersCsv(db, filters).getReader();
    let lines = -1;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (countLines) for (const byte of value) if (byte === 10) lines++;
      growth.subject = Math.max(growth.subject, process.memoryUsage.rss() - before);
    }
    return lines;
  };

  // Both read the same rows: checked once, and the pages of the range are in the cache before timing.
  const expected = iterateRaw();
  const exported = await exportCsv({ countLines: true });
  if (exported !== expected) throw new Error(`CSV export wrote ${exported} rows, the raw query found ${expected}`);
  growth.subject = 0;
  growth.baseline = 0;

  const [exportRate, rawRate] = await interleavedThroughput(rounds, [
    async () => {
      await exportCsv({ countLines: false });
      return expected;
    },
    async () => iterateRaw(),
  ]);
  const megabytes = (bytes: number) => bytes / 1024 / 1024;
  return [
    result(`CSV export, ${expected.toLocaleString("en-US")} rows`, "rows/s", exportRate!, rawRate!, { of: "ratio", op: ">=", limit: 0.5 }),
    result("CSV export, peak memory growth", "MB", megabytes(growth.subject), megabytes(growth.baseline), { of: "value", op: "<", limit: 100 }),
  ];
}
