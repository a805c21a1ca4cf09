import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { batches, workerHeartbeats } from "@/db/schema";
import { startHeartbeat, workerSilentAfterMs, workersActivity, writeHeartbeat } from "@/lib/background";
import { approveBatch } from "@/lib/batches/decide";
import { parseBatchCsv } from "@/lib/batches/parse";
import { createBatch } from "@/lib/batches/rows";
import { runBatch, stalledBatches } from "@/lib/batches/runner";
import { submitBatch } from "@/lib/batches/submit";
import { checkReadiness } from "@/lib/ops/readiness";
import { createTestDb, type TestDb } from "../db";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/**
 * docs/architecture.md#background-work: with BACKGROUND=off an app instance runs no reconciler of its own; its
 * /api/ready and /api/metrics read the workers' heartbeats instead. A worker that beats and finished a pass counts; one
 * that went silent mid-pass does not keep the app ready; one that stopped cleanly left no row.
 */

const now = new Date("2026-06-01T03:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
let db: TestDb;
let dir: string;
let keyPath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "heartbeats-"));
  keyPath = join(dir, "merchant-private.pem");
  writeFileSync(keyPath, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  db = await createTestDb();
});

/** What the app's /api/ready says of the reconciler with BACKGROUND=off, from the heartbeats as they stand at `now`. */
const readinessOfWorkers = async () =>
  (await checkReadiness({ db, privateKeyPath: keyPath, reconciler: await workersActivity(db, now), reconcilerRunsIn: "workers", draining: false, now })).checks.reconciler;

const beat = (worker: string, { at, lastPassAt = null, passStartedAt = null }: { at: Date; lastPassAt?: Date | null; passStartedAt?: Date | null }) =>
  writeHeartbeat(db, worker, ago(3_600_000), { lastCompletedPassAt: lastPassAt, passStartedAt }, at);

describe("The workers' activity, as their heartbeats tell it", () => {
  it("with no worker at all, the app is not ready and says to start one", async () => {
    expect(await workersActivity(db, now)).toEqual({ lastCompletedPassAt: null, passStartedAt: null });
    expect(await readinessOfWorkers()).toBe("no worker (npm run worker) has finished a reconciler pass in the last 60 s (BACKGROUND=off): none is running");
  });

  it("a live worker that finished a pass recently keeps the app ready; the latest pass of any worker counts", async () => {
    await beat("host-a/11", { at: ago(2_000), lastPassAt: ago(40_000) });
    await beat("host-b/12", { at: ago(1_000), lastPassAt: ago(4_000) });
    expect(await workersActivity(db, now)).toEqual({ lastCompletedPassAt: ago(4_000), passStartedAt: null });
    expect(await readinessOfWorkers()).toBe("ok");
  });

  it("is not ready once the latest pass finished more than a minute ago, and says how long ago", async () => {
    await beat("host-a/11", { at: ago(1_000), lastPassAt: ago(75_000) });
    expect(await readinessOfWorkers()).toBe("no worker (npm run worker) has finished a reconciler pass in the last 60 s (BACKGROUND=off): the latest finished one 75 s ago");
  });

  it("a long pass under way counts while its worker still beats (Cash In slow), however long ago a pass finished", async () => {
    await beat("host-a/11", { at: ago(3_000), lastPassAt: ago(10 * 60_000), passStartedAt: ago(9 * 60_000) });
    expect(await workersActivity(db, now)).toEqual({ lastCompletedPassAt: ago(10 * 60_000), passStartedAt: ago(9 * 60_000) });
    expect(await readinessOfWorkers()).toBe("ok");
  });

  it("a worker silent for more than 30 s (killed mid-pass) does not keep the app ready with its pass 'under way'", async () => {
    await beat("host-a/11", { at: ago(workerSilentAfterMs + 1_000), lastPassAt: ago(5 * 60_000), passStartedAt: ago(4 * 60_000) });
    expect(await workersActivity(db, now)).toEqual({ lastCompletedPassAt: ago(5 * 60_000), passStartedAt: null });
    expect(await readinessOfWorkers()).toMatch(/^no worker \(npm run worker\) has finished a reconciler pass in the last 60 s .*300 s ago$/);
    // Of two passes under way, the one of the worker still beating is reported (the oldest such, for the pass-running gauge).
    await beat("host-b/12", { at: ago(1_000), passStartedAt: ago(20_000) });
    expect((await workersActivity(db, now)).passStartedAt).toEqual(ago(20_000));
    expect(await readinessOfWorkers()).toBe("ok");
  });

  it("a worker's beat records its reconciler's activity, keeps its start time, and sweeps rows of workers gone for a day", async () => {
    await beat("host-old/9", { at: ago(25 * 3_600_000), lastPassAt: ago(25 * 3_600_000) });
    await writeHeartbeat(db, "host-a/11", ago(60_000), { lastCompletedPassAt: ago(10_000), passStartedAt: null }, ago(5_000));
    await writeHeartbeat(db, "host-a/11", ago(1_000), { lastCompletedPassAt: ago(10_000), passStartedAt: ago(2_000) }, now);
    expect(await db.select().from(workerHeartbeats)).toEqual([
      { worker: "host-a/11", startedAt: ago(60_000), beatAt: now, lastPassAt: ago(10_000), passStartedAt: ago(2_000) },
    ]);
  });
});

describe("startHeartbeat", () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(() => stop?.());

  it("beats at once and then every interval, and a clean stop deletes its row so the worker no longer counts", async () => {
    let activity = { lastCompletedPassAt: null as Date | null, passStartedAt: ago(1_000) as Date | null };
    stop = startHeartbeat(db, { worker: "host-a/42", intervalMs: 20, activity: () => activity, now: () => now });
    await expect.poll(() => db.select().from(workerHeartbeats)).toMatchObject([{ worker: "host-a/42", beatAt: now, passStartedAt: ago(1_000), lastPassAt: null }]);
    activity = { lastCompletedPassAt: ago(500), passStartedAt: null };
    await expect.poll(async () => (await first(db.select().from(workerHeartbeats).limit(1)))?.lastPassAt, { timeout: 2_000 }).toEqual(ago(500));
    expect(await readinessOfWorkers()).toBe("ok");
    await stop();
    stop = undefined;
    expect(await db.select().from(workerHeartbeats)).toEqual([]);
    expect(await readinessOfWorkers()).toMatch(/none is running$/);
  });
});

describe("A batch left to the workers (BACKGROUND=off: the app starts no runner)", () => {
  let h: Harness;
  const ip = "203.0.113.7";
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  it("approved late in its look-ups' freshness, it is picked up by a later reconciler pass and sent, not paused as if its sending had stopped", async () => {
    const parsed = parseBatchCsv(["wallet,phone,amount", "DANA,628121000001,2000000", "DANA,628121000002,2000000", "DANA,628121000003,2000000"].join("\n"));
    if (!parsed.ok) throw new Error(parsed.message);
    const id = expectOk(await createBatch(h.deps, { actor: h.staff, ip }, { fileName: "pay.csv", rows: parsed.rows })).batchId;
    // Fresh from the upload, without a lease: the next pass runs its check.
    expect(await stalledBatches(h.db, h.now())).toEqual([id]);
    expect(await runBatch(h.deps, id)).toBe(true);
    expectOk(await submitBatch(h.deps, { actor: h.staff, ip }, { batchId: id }));
    // The check's lease lapsed when it ended; the manager approves 13.5 minutes later (the look-ups still fresh) and no
    // runner starts in the app; the workers' pass comes 2 minutes after that (a long interval, or a slow pass before it):
    // 15.5 minutes after the lease, but its sending never started, let alone stopped.
    h.advance(13.5 * 60_000);
    expect(await approveBatch(h.deps, { actor: h.manager, ip }, { batchId: id })).toMatchObject({ ok: true, data: { outcome: "approved" } });
    h.advance(2 * 60_000);
    expect(await stalledBatches(h.db, h.now())).toEqual([id]);
    expect(await first(h.db.select().from(batches).where(eq(batches.id, id)).limit(1))).toMatchObject({ status: "sending", pausedAt: null });
    expect(await runBatch(h.deps, id)).toBe(true);
    expect(h.topupsAtGateway()).toHaveLength(3);
  });
});
