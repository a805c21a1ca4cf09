import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, writerOf, type Db } from "@/db/client";
import type { CashinClient } from "@/lib/cashin/client";
import { reconcilerActivity, startReconciler } from "@/lib/jobs";
import { checkReadiness, type ReadinessInput } from "@/lib/ops/readiness";
import { createTestDb, executeRaw, makePostgresReadOnly, testDialect } from "../db";

const now = new Date("2026-06-01T03:00:00Z");
let dir: string;
let keyPath: string;
let db: Db;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "readiness-"));
  keyPath = join(dir, "merchant-private.pem");
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(keyPath, privateKey.export({ type: "pkcs8", format: "pem" }));
  db = await createTestDb();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function input(overrides: Partial<ReadinessInput> = {}): ReadinessInput {
  return {
    db,
    privateKeyPath: keyPath,
    reconciler: { lastCompletedPassAt: new Date(now.getTime() - 5_000), passStartedAt: null },
    draining: false,
    now,
    ...overrides,
  };
}

describe("SPEC §8.3: GET /api/ready says whether the app can do its work", () => {
  it("is ready when the database is writable, migrated, the key readable and the reconciler recent", async () => {
    expect(await checkReadiness(input())).toEqual({
      ready: true,
      checks: { database: "ok", migrations: "ok", privateKey: "ok", reconciler: "ok", acceptingWork: "ok" },
      causes: {},
    });
  });

  it("is not ready when the key file cannot be read, and says so without its path", async () => {
    const missing = join(dir, "no-such-key.pem");
    const result = await checkReadiness(input({ privateKeyPath: missing }));
    expect(result.ready).toBe(false);
    expect(result.checks.privateKey).toBe("the Cash In private key file (CASHIN_PRIVATE_KEY_PATH) cannot be read");
    expect(JSON.stringify(result.checks)).not.toContain(dir);
    expect(result.causes.privateKey).toContain("ENOENT");
    expect({ ...result.checks, privateKey: "ok" }).toEqual({ database: "ok", migrations: "ok", privateKey: "ok", reconciler: "ok", acceptingWork: "ok" });
  });

  it("is not ready when the key path is a folder", async () => {
    const folder = join(dir, "a-folder");
    mkdirSync(folder, { recursive: true });
    expect((await checkReadiness(input({ privateKeyPath: folder }))).checks.privateKey).toMatch(/cannot be read/);
  });

  it("is not ready when the key file holds no private key (a public key, say)", async () => {
    const publicOnly = join(dir, "public.pem");
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(publicOnly, publicKey.export({ type: "spki", format: "pem" }));
    const result = await checkReadiness(input({ privateKeyPath: publicOnly }));
    expect(result.ready).toBe(false);
    expect(result.checks.privateKey).toBe("the file at CASHIN_PRIVATE_KEY_PATH holds no readable private key");
  });

  it("is not ready on a fresh database that no migration has touched", async () => {
    const fresh = openDatabase(":memory:");
    const result = await checkReadiness(input({ db: fresh }));
    expect(result.ready).toBe(false);
    expect(result.checks.migrations).toMatch(/^\d+ migration\(s\) not applied: run "npm run db:migrate"$/);
    expect(result.checks.database).toBe("ok");
  });

  it("is not ready when a migration of the app is missing from the database", async () => {
    const behind = await createTestDb();
    await executeRaw(behind, {
      sqlite: "delete from __drizzle_migrations where rowid = (select max(rowid) from __drizzle_migrations)",
      postgres: "delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations)",
    });
    expect((await checkReadiness(input({ db: behind }))).checks.migrations).toBe('1 migration(s) not applied: run "npm run db:migrate"');
  });

  it("is not ready when the database cannot be written", async () => {
    const readOnly = await createTestDb();
    // The writing connection refuses writes, as one on a read-only file or disk does; on PostgreSQL, as a standby does.
    if (testDialect === "postgres") await makePostgresReadOnly(readOnly);
    else writerOf(readOnly).$client.pragma("query_only = ON");
    const result = await checkReadiness(input({ db: readOnly }));
    expect(result.ready).toBe(false);
    expect(result.checks.database).toBe(`the database cannot be written (${testDialect === "postgres" ? "25006" : "SQLITE_READONLY"})`);
    await readOnly.close();
  });

  it("is not ready once the database is closed (the app is shutting down)", async () => {
    const closed = await createTestDb();
    await closed.close();
    expect((await checkReadiness(input({ db: closed }))).checks.database).toMatch(/^the database cannot be written/);
  });

  // SQLite's probe writes the header's user_version (with its own value) and rolls back: what this test watches. On
  // PostgreSQL the probe takes a transaction id and writes no row at all.
  it.runIf(testDialect === "sqlite")("writes nothing: the probe's write is rolled back", async () => {
    const writer = writerOf(db).$client;
    writer.pragma("user_version = 7");
    const changesBefore = writer.prepare("select total_changes() as n").get();
    await checkReadiness(input());
    expect(db.$client.pragma("user_version", { simple: true })).toBe(7);
    expect(writer.prepare("select total_changes() as n").get()).toEqual(changesBefore);
    expect(writer.inTransaction).toBe(false);
  });

  it("is not ready when the reconciler last finished a pass more than a minute ago", async () => {
    const result = await checkReadiness(input({ reconciler: { lastCompletedPassAt: new Date(now.getTime() - 61_000), passStartedAt: null } }));
    expect(result.ready).toBe(false);
    expect(result.checks.reconciler).toBe("the reconciler last finished a pass 61 s ago (more than 60 s)");
  });

  it("is not ready when the reconciler has never finished a pass", async () => {
    const result = await checkReadiness(input({ reconciler: { lastCompletedPassAt: null, passStartedAt: null } }));
    expect(result.checks.reconciler).toBe("the reconciler has not finished a pass since the app started");
  });

  it("counts a long pass under way as running (Cash In slow), however long ago the last one finished", async () => {
    const result = await checkReadiness(
      input({ reconciler: { lastCompletedPassAt: new Date(now.getTime() - 10 * 60_000), passStartedAt: new Date(now.getTime() - 9 * 60_000) } }),
    );
    expect(result.checks.reconciler).toBe("ok");
  });

  it("is not ready while the app stops after SIGTERM", async () => {
    const result = await checkReadiness(input({ draining: true }));
    expect(result.ready).toBe(false);
    expect(result.checks.acceptingWork).toBe("the app is stopping (SIGTERM) and takes no new work");
  });

  it("names every failed check at once", async () => {
    const result = await checkReadiness(input({ privateKeyPath: join(dir, "missing.pem"), reconciler: { lastCompletedPassAt: null, passStartedAt: null } }));
    expect(Object.entries(result.checks).filter(([, v]) => v !== "ok").map(([k]) => k)).toEqual(["privateKey", "reconciler"]);
  });
});

describe("lib/jobs.ts records when the reconciler last ran", () => {
  it("marks a pass under way, then the time it finished", async () => {
    const deps = { db: await createTestDb(), gateway: {} as CashinClient, now: () => new Date(), gatewayTimeoutMs: 1_000 };
    const before = Date.now();
    const stop = startReconciler(() => deps, 60_000);
    try {
      expect(reconcilerActivity().passStartedAt).not.toBeNull();
      await expect.poll(() => reconcilerActivity().lastCompletedPassAt, { timeout: 5_000 }).not.toBeNull();
      expect(reconcilerActivity().lastCompletedPassAt!.getTime()).toBeGreaterThanOrEqual(before);
      expect(reconcilerActivity().passStartedAt).toBeNull();
    } finally {
      stop();
    }
  });
});
