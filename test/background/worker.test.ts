import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { eq, isNotNull } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { first, migrateDatabase, openDatabase, writerOf } from "@/db/client";
import { batches, inquiries, transfers, workerHeartbeats } from "@/db/schema";
import { approveBatch } from "@/lib/batches/decide";
import { parseBatchCsv } from "@/lib/batches/parse";
import { createBatch } from "@/lib/batches/rows";
import { runBatch } from "@/lib/batches/runner";
import { submitBatch } from "@/lib/batches/submit";
import type { MockGateway } from "@/lib/cashin/mock/server";
import type { TransferDeps } from "@/lib/transfers/deps";
import { CHANNEL_ID, PARTNER_ID, PRIVATE_KEY_PATH, startTestGateway, testClient } from "../cashin/support";
import { insertUser, withFixtureWrites, type TestDb } from "../db";
import { ROOT } from "../support/run-script";

/**
 * `npm run worker` (docs/architecture.md#background-work) as an operator runs it: a process of its own over the app's
 * SQLite file, with app instances started with BACKGROUND=off beside it. It sends what the app left (an approved transfer
 * a crash left unsent, an approved batch no runner took), each once at Cash In, beats in worker_heartbeats, and stops
 * cleanly on SIGTERM (exit 0, its row gone). Two workers at once never send anything twice. It refuses a database that
 * lacks migrations, as the app does.
 */

const TSX = join(ROOT, "node_modules/.bin/tsx");
let gateway: MockGateway;
let dir: string;
let file: string;
let db: TestDb;
let deps: TransferDeps;
const ip = "203.0.113.7";

type Worker = { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> };

function startWorker(env: Record<string, string> = {}): Worker {
  const child = spawn(TSX, ["--conditions=react-server", join(ROOT, "scripts/worker.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: `file:${file}`,
      AUTH_SECRET: "a-test-secret-that-is-long-enough-0123456789",
      CASHIN_BASE_URL: gateway.baseUrl,
      CASHIN_PARTNER_ID: PARTNER_ID,
      CASHIN_CHANNEL_ID: CHANNEL_ID,
      CASHIN_PRIVATE_KEY_PATH: PRIVATE_KEY_PATH,
      CASHIN_TIMEOUT_MS: "3000",
      RECONCILE_INTERVAL_MS: "300",
      ...env,
    },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  workers.push(child);
  return { child, output: () => output, exited };
}
const workers: ChildProcessWithoutNullStreams[] = [];

async function until(condition: () => boolean | Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Top-ups that reached the mock, per partnerReferenceNo. */
function topupCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of gateway.requests().filter((r) => r.call === "topup")) counts.set(request.partnerReferenceNo!, (counts.get(request.partnerReferenceNo!) ?? 0) + 1);
  return counts;
}

/** Approved transfers whose sending a crash interrupted before the claim: status approved a minute ago, never at Cash In. */
function crashLeftUnsent(makerId: number, count: number, prefix: string): Promise<string[]> {
  const approvedAt = new Date(Date.now() - 60_000);
  return db.transaction(async (tx) => {
    const references: string[] = [];
    for (let i = 0; i < count; i++) {
      const phone = `62812300${String(i).padStart(5, "0")}`;
      const reference = `${prefix}${String(i).padStart(4, "0")}`;
      const [inquiry] = await tx
        .insert(inquiries)
        .values({ userId: makerId, wallet: "DANA", phone, amount: 10_000 + i, reference: `INQ${reference}`, outcome: "found", ownerName: "Test Owner", createdAt: approvedAt })
        .returning();
      await tx
        .insert(transfers)
        .values({ reference, wallet: "DANA", phone, amount: 10_000 + i, ownerName: "Test Owner", status: "approved", makerId, inquiryId: inquiry!.id, decidedAt: approvedAt, createdAt: approvedAt, updatedAt: approvedAt });
      references.push(reference);
    }
    return references;
  });
}

/** A batch uploaded, checked, submitted and approved in an app instance with BACKGROUND=off: approved, and no runner sends it. */
async function approvedBatchWithoutRunner(rows: number, staff: { id: number; email: string }, manager: { id: number; email: string }): Promise<number> {
  const parsed = parseBatchCsv(["wallet,phone,amount", ...Array.from({ length: rows }, (_, i) => `DANA,62812100${String(i).padStart(5, "0")},2000000`)].join("\n"));
  if (!parsed.ok) throw new Error(parsed.message);
  const created = await createBatch(deps, { actor: staff, ip }, { fileName: "pay.csv", rows: parsed.rows });
  if (!created.ok) throw new Error(created.message);
  // The check, as the worker's runner would have done it (its look-ups are not top-ups).
  await runBatch(deps, created.data.batchId);
  expect(await submitBatch(deps, { actor: staff, ip }, { batchId: created.data.batchId })).toMatchObject({ ok: true, data: { status: "awaiting_approval" } });
  expect(await approveBatch(deps, { actor: manager, ip }, { batchId: created.data.batchId })).toMatchObject({ ok: true, data: { outcome: "approved" } });
  expect(await first(db.select({ status: batches.status }).from(batches).where(eq(batches.id, created.data.batchId)).limit(1))).toEqual({ status: "sending" });
  return created.data.batchId;
}

const heartbeats = async () => await db.select().from(workerHeartbeats);
const unsettled = async () =>
  (await db.select({ id: transfers.id }).from(transfers)).length - (await db.select({ id: transfers.id }).from(transfers).where(eq(transfers.status, "succeeded"))).length;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(async () => {
  await gateway.close();
});
beforeEach(() => {
  gateway.reset();
  gateway.setMode({});
  dir = mkdtempSync(join(tmpdir(), "cashin-worker-"));
  file = join(dir, "app.db");
  db = withFixtureWrites(openDatabase(file));
  migrateDatabase(db);
  deps = { db, gateway: testClient(gateway, { timeoutMs: 3000 }), now: () => new Date(), gatewayTimeoutMs: 3000 };
});
afterEach(async () => {
  for (const child of workers.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run worker", () => {
  it("sends what the app left, each once; beats in worker_heartbeats; SIGTERM stops it cleanly with exit 0 and its row gone", async () => {
    const staff = await insertUser(db, { email: "staff@x.test", role: "staff" });
    const manager = await insertUser(db, { email: "manager@x.test", role: "manager" });
    const [orphan] = await crashLeftUnsent(staff.id, 1, "TRFWORKER");
    const batchId = await approvedBatchWithoutRunner(3, staff, manager);
    const batchReferences = (await db.select({ reference: transfers.reference }).from(transfers).where(eq(transfers.batchId, batchId))).map((t) => t.reference);
    expect(topupCounts().size).toBe(0);

    const worker = startWorker();
    await until(async () => (await heartbeats()).length === 1, 20_000, "the worker's heartbeat");
    expect((await heartbeats())[0]!.worker).toMatch(new RegExp(`^${hostname()}/\\d+$`));
    await until(async () => topupCounts().size === 4 && (await unsettled()) === 0, 20_000, "the four top-ups and their answers");
    await until(async () => (await db.select().from(workerHeartbeats).where(isNotNull(workerHeartbeats.lastPassAt))).length === 1, 10_000, "a finished pass in the heartbeat");
    // A few more passes find nothing more to send.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(Object.fromEntries(topupCounts())).toEqual(Object.fromEntries([orphan!, ...batchReferences].map((reference) => [reference, 1])));
    expect(await first(db.select({ status: batches.status }).from(batches).where(eq(batches.id, batchId)).limit(1))).toEqual({ status: "sent" });
    // Its log is the app's: JSON lines.
    expect(worker.output()).toMatch(/^\{"level":"info",.*"msg":"\[worker\] started: reconciler, batch runners, mailer and webhooks"\}$/m);

    worker.child.kill("SIGTERM");
    expect(await worker.exited, worker.output()).toBe(0);
    expect(await heartbeats()).toEqual([]);
    expect(worker.output()).toMatch(/"msg":"\[worker\] stopped"/);
  }, 60_000);

  it("SIGTERM during a top-up lets its answer arrive and be stored before the worker exits: nothing is left sending", async () => {
    const staff = await insertUser(db, { email: "staff@x.test", role: "staff" });
    const [reference] = await crashLeftUnsent(staff.id, 1, "TRFDRAIN");
    // Cash In answers after 2 s.
    gateway.setMode({ latencyMs: 2_000 });
    const worker = startWorker();
    await until(() => topupCounts().get(reference!) === 1, 20_000, "the top-up to reach the gateway");
    worker.child.kill("SIGTERM");
    expect(await worker.exited, worker.output()).toBe(0);
    expect(gateway.requests().find((r) => r.call === "topup")!.httpStatus).toBe(200);
    expect(await first(db.select({ status: transfers.status, topupAnswer: transfers.topupAnswer }).from(transfers).limit(1))).toMatchObject({ status: "succeeded", topupAnswer: expect.anything() });
    expect(worker.output()).toMatch(/"msg":"\[shutdown\] nothing in flight; closing the database"/);
    expect(await heartbeats()).toEqual([]);
  }, 60_000);

  it("two workers at once over one database never send anything twice", async () => {
    const staff = await insertUser(db, { email: "staff@x.test", role: "staff" });
    const manager = await insertUser(db, { email: "manager@x.test", role: "manager" });
    const orphans = await crashLeftUnsent(staff.id, 60, "TRFTWOWORKERS");
    const batchId = await approvedBatchWithoutRunner(20, staff, manager);
    const batchReferences = (await db.select({ reference: transfers.reference }).from(transfers).where(eq(transfers.batchId, batchId))).map((t) => t.reference);
    // A little latency, so that the two workers' claims and calls interleave.
    gateway.setMode({ latencyMs: 10 });

    const [first, second] = [startWorker(), startWorker()];
    await until(async () => (await heartbeats()).length === 2, 20_000, "both workers' heartbeats");
    await until(() => topupCounts().size === 80, 40_000, "the 80 top-ups");
    // Passes of both go on meanwhile: a second top-up of anything would arrive now.
    await new Promise((r) => setTimeout(r, 1_500));
    const counts = topupCounts();
    expect([...counts.keys()].sort()).toEqual([...orphans, ...batchReferences].sort());
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    await until(async () => (await unsettled()) === 0, 20_000, "the answers stored");

    for (const worker of [first!, second!]) worker.child.kill("SIGTERM");
    expect(await first!.exited, first!.output()).toBe(0);
    expect(await second!.exited, second!.output()).toBe(0);
    expect(await heartbeats()).toEqual([]);
    // What each says it sent adds up to what reached Cash In: none of it twice.
    const resent = (output: string) => [...output.matchAll(/"resent":(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
    console.info(`[two workers] the first sent ${resent(first!.output())} and the second ${resent(second!.output())} of ${orphans.length} transfers`);
    expect(resent(first!.output()) + resent(second!.output())).toBe(orphans.length);
  }, 90_000);

  it("refuses to start on a database that lacks a migration: one message, exit 1, nothing run", async () => {
    writerOf(db).$client.exec("delete from __drizzle_migrations where rowid = (select max(rowid) from __drizzle_migrations)");
    const worker = startWorker();
    expect(await worker.exited).toBe(1);
    const lines = worker.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "error", migrations: 1, msg: 'The database lacks migrations: run "npm run db:migrate" first.' });
    expect(await heartbeats()).toEqual([]);
  }, 30_000);

  it("refuses a bad configuration with one line per bad variable, exit 1", async () => {
    const worker = startWorker({ BACKGROUND: "sometimes", CASHIN_TIMEOUT_MS: "soon" });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toContain('  - CASHIN_TIMEOUT_MS must be a positive whole number, got "soon"');
    expect(worker.output()).toContain('  - BACKGROUND must be on (this process runs the background work, the default) or off (left to npm run worker), got "sometimes"');
    expect(await heartbeats()).toEqual([]);
  }, 30_000);

  it("prints its usage with --help", async () => {
    const child = spawn(TSX, ["--conditions=react-server", join(ROOT, "scripts/worker.ts"), "--help"], { cwd: ROOT, env: process.env });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
    expect(output).toMatch(/^Usage: npm run worker\n/);
    expect(output).toContain("BACKGROUND=off");
  }, 30_000);
});
