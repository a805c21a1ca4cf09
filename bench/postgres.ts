/*
 * The benchmark's PostgreSQL cases (issue 19), in a process of their own started by bench/run.ts with DATABASE_URL
 * naming the server: `@/db/schema` gives a process the tables of the database it was started for. Copies the seeded
 * SQLite history into PostgreSQL row for row, then runs the history and settling cases there with the same baselines
 * spelled for PostgreSQL, and writes their results as JSON for bench/run.ts to print with the others.
 */
import { writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import type pg from "pg";
import { migrateAppDatabase, openAppDatabase } from "@/db/client";
import { createCashinClient } from "@/lib/cashin/client";
import { createAsymmetricSigner, loadPrivateKey } from "@/lib/cashin/signer";
import { historyCase, historyViews, type Baseline } from "./cases/history";
import { settlingCase, type InsertUnsettled } from "./cases/settling";
import type { GatewayTarget } from "./cases/gateway";
import type { Seeded } from "./seed";

type Input = {
  sqliteFile: string;
  out: string;
  seeded: Omit<Seeded, "now"> & { now: string };
  historyRuns: number;
  deepPage: number;
  settle: number;
  gateway: { baseUrl: string; partnerId: string; channelId: string; privateKeyPath: string };
};

const input = JSON.parse(process.argv[2] ?? "") as Input;
const label = "PostgreSQL: ";

/** Copies one table's rows as they are (ids included), a batch at a time, converting what SQLite stores differently. */
async function copyTable(sqlite: Database.Database, pool: pg.Pool, table: string): Promise<number> {
  const columns = (
    await pool.query<{ column_name: string; data_type: string }>(
      "select column_name, data_type from information_schema.columns where table_schema = 'public' and table_name = $1",
      [table],
    )
  ).rows;
  const times = columns.filter((c) => c.data_type.startsWith("timestamp")).map((c) => c.column_name);
  const booleans = columns.filter((c) => c.data_type === "boolean").map((c) => c.column_name);
  const json = columns.filter((c) => c.data_type === "json" || c.data_type === "jsonb").map((c) => c.column_name);
  const read = sqlite.prepare(`select * from ${table} where id > ? order by id limit 20000`);
  let last = 0;
  let copied = 0;
  for (;;) {
    const rows = read.all(last) as Record<string, unknown>[];
    if (rows.length === 0) break;
    for (const row of rows) {
      for (const column of times) if (typeof row[column] === "number") row[column] = new Date(row[column]).toISOString();
      for (const column of booleans) if (row[column] !== null && row[column] !== undefined) row[column] = row[column] === 1;
      for (const column of json) if (typeof row[column] === "string") row[column] = JSON.parse(row[column]);
    }
    await pool.query(`insert into ${table} select * from json_populate_recordset(null::${table}, $1::json)`, [JSON.stringify(rows)]);
    last = rows.at(-1)!.id as number;
    copied += rows.length;
  }
  await pool.query(`select setval(pg_get_serial_sequence('${table}', 'id'), greatest(1, (select coalesce(max(id), 0) from ${table})))`);
  return copied;
}

async function main(): Promise<void> {
  const db = openAppDatabase(process.env.DATABASE_URL ?? "");
  await migrateAppDatabase(db);
  const pool = (db as unknown as { $client: pg.Pool }).$client;

  const started = performance.now();
  const sqlite = new Database(input.sqliteFile, { readonly: true });
  const copied = [];
  for (const table of ["users", "inquiries", "transfers"]) copied.push(`${(await copyTable(sqlite, pool, table)).toLocaleString("en-US")} ${table}`);
  sqlite.close();
  await pool.query("analyze");
  process.stderr.write(`PostgreSQL: copied ${copied.join(", ")} in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);

  const seeded: Seeded = { ...input.seeded, now: new Date(input.seeded.now) };
  // The same statement by hand, as a person would send it through the driver (unnamed: planned on each run, as the
  // query builder's are).
  const baseline: Baseline = (view) => async () => (await pool.query<{ id: number }>(view.sql, view.params)).rows;
  const cases = await historyCase(db, historyViews(seeded, { deepPage: input.deepPage, dialect: "postgres" }), { runs: input.historyRuns, baseline, label });

  const { gateway } = input;
  const target: GatewayTarget = { baseUrl: gateway.baseUrl, partnerId: gateway.partnerId, channelId: gateway.channelId, signer: createAsymmetricSigner(loadPrivateKey(gateway.privateKeyPath)) };
  const client = createCashinClient({ ...target, timeoutMs: 15_000 });
  const insertUnsettled: InsertUnsettled = async (rows) => {
    const at = (ms: number) => new Date(ms).toISOString();
    await pool.query(
      `with inquiry as (
         insert into inquiries (user_id, wallet, phone, amount, reference, outcome, owner_name, created_at)
         select maker, 'DANA', phone, 250000, inquiry_reference, 'found', 'Bench Customer', created
           from unnest($1::int[], $2::text[], $3::text[], $4::timestamptz[]) as r(maker, phone, inquiry_reference, created)
         returning id, reference
       )
       insert into transfers (reference, wallet, phone, amount, owner_name, status, maker_id, inquiry_id, sent_at, next_check_at, checks, created_at, updated_at)
       select r.reference, 'DANA', r.phone, 250000, 'Bench Customer', 'processing', r.maker, inquiry.id, r.created + interval '1 second', r.due, 0, r.created, r.created + interval '1 second'
         from unnest($1::int[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::timestamptz[]) as r(maker, phone, inquiry_reference, created, reference, due)
         join inquiry on inquiry.reference = r.inquiry_reference`,
      [rows.map((r) => r.makerId), rows.map((r) => r.phone), rows.map((r) => r.inquiryReference), rows.map((r) => at(r.createdAt)), rows.map((r) => r.reference), rows.map((r) => at(r.dueAt))],
    );
  };
  cases.push(...(await settlingCase(db, client, target, { count: input.settle, makerId: seeded.makers[0]!.id, insertUnsettled, label })));

  writeFileSync(input.out, JSON.stringify(cases));
  await db.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
