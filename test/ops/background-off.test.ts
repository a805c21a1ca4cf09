import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type Db } from "@/db/client";
import { workerHeartbeats } from "@/db/schema";
import type { CashinClient } from "@/lib/cashin/client";
import { startReconciler } from "@/lib/jobs";

/**
 * docs/monitoring.md#with-a-separate-worker: an app instance started with BACKGROUND=off runs no reconciler; its /api/ready
 * and /api/metrics report the workers' (npm run worker) from their heartbeats, never its own process's.
 */

const token = "route-test-token-0123456789abcdef0123456789";
const dir = mkdtempSync(join(tmpdir(), "ops-background-off-"));
const saved = { ...process.env };
const holder = globalThis as unknown as { cashinDb?: Db };
let stopReconciler: (() => void) | undefined;

beforeAll(() => {
  const keyPath = join(dir, "merchant-private.pem");
  writeFileSync(keyPath, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }));
  const file = join(dir, "app.db");
  const setup = openDatabase(file);
  migrateDatabase(setup);
  setup.$client.close();
  Object.assign(process.env, {
    DATABASE_URL: `file:${file}`,
    AUTH_SECRET: "a-test-secret-that-is-long-enough-0123456789",
    CASHIN_PRIVATE_KEY_PATH: keyPath,
    METRICS_TOKEN: token,
    BACKGROUND: "off",
  });
  delete holder.cashinDb;
});

afterAll(async () => {
  stopReconciler?.();
  await holder.cashinDb?.close();
  delete holder.cashinDb;
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

const ready = async () => {
  const { GET } = await import("@/app/api/ready/route");
  const response = await GET();
  return { status: response.status, body: (await response.json()) as { ready: boolean; checks: Record<string, string> } };
};

const scrape = async () => {
  const { GET } = await import("@/app/api/metrics/route");
  return (await GET(new Request("http://localhost/api/metrics", { headers: { authorization: `Bearer ${token}` } }))).text();
};

describe("GET /api/ready and /api/metrics with BACKGROUND=off", () => {
  it("are not ready without a worker, even while a reconciler runs in the app's own process; ready once a worker beats with a recent pass", async () => {
    const { db } = await import("@/db/client");
    // A reconciler of this process (which BACKGROUND=off would not start) does not count: only the workers' heartbeats do.
    const deps = { db: db(), gateway: {} as CashinClient, now: () => new Date(), gatewayTimeoutMs: 1_000 };
    stopReconciler = startReconciler(() => deps, 60_000);
    const { reconcilerActivity } = await import("@/lib/jobs");
    await expect.poll(() => reconcilerActivity().lastCompletedPassAt, { timeout: 5_000 }).not.toBeNull();

    const before = await ready();
    expect(before.status).toBe(503);
    expect(before.body.checks).toEqual({
      database: "ok",
      migrations: "ok",
      privateKey: "ok",
      reconciler: "no worker (npm run worker) has finished a reconciler pass in the last 60 s (BACKGROUND=off): none is running",
      acceptingWork: "ok",
    });
    expect(await scrape()).toMatch(/^cashin_payouts_reconciler_last_run_timestamp_seconds 0$/m);

    // A worker on another host beats: its pass finished 3 s ago.
    const lastPass = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_000);
    await db().transaction(async (tx) => {
      await tx.insert(workerHeartbeats).values({ worker: "worker-1/77", startedAt: new Date(Date.now() - 60_000), beatAt: new Date(), passStartedAt: null, lastPassAt: lastPass });
    });
    const after = await ready();
    expect(after).toEqual({ status: 200, body: { ready: true, checks: { database: "ok", migrations: "ok", privateKey: "ok", reconciler: "ok", acceptingWork: "ok" } } });
    const text = await scrape();
    expect(text).toContain(`cashin_payouts_reconciler_last_run_timestamp_seconds ${lastPass.getTime() / 1000}\n`);
    expect(text).toMatch(/^# HELP cashin_payouts_reconciler_last_run_timestamp_seconds .*the workers' with BACKGROUND=off/m);
    expect(text).toMatch(/^cashin_payouts_ready\{check="reconciler"\} 1$/m);

    // The worker stops cleanly (its row goes): not ready again.
    await db().transaction(async (tx) => {
      await tx.delete(workerHeartbeats);
    });
    expect((await ready()).status).toBe(503);
  });
});
