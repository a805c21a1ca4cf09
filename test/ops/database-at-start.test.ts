import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createFreshDatabase, noPostgres, postgresUrlWith } from "../db/pg-support";

/**
 * What the app and `npm run worker` do with DATABASE_URL before serving (docs/postgresql.md#serving-from-postgresql): a
 * PostgreSQL that does not answer, or a database on an older migration, stops the start with one sentence; with
 * MIGRATE_ON_START the migrations are applied first. Each case loads the modules as a process started with that
 * DATABASE_URL would (`@/db/schema` picks the tables by it).
 */

const cleanUps: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
  vi.unstubAllEnvs();
  vi.resetModules();
});

async function startedWith(url: string) {
  vi.resetModules();
  vi.stubEnv("DATABASE_URL", url);
  const client = await import("@/db/client");
  const { prepareDatabaseAtStart } = await import("@/lib/ops/startup");
  const { checkReadiness } = await import("@/lib/ops/readiness");
  const db = client.openAppDatabase(url);
  cleanUps.push(() => db.close());
  const readiness = async () =>
    (await checkReadiness({ db, privateKeyPath: "test/fixtures/snap-test-private.pem", reconciler: { lastCompletedPassAt: new Date(), passStartedAt: null }, draining: false, now: new Date() })).checks;
  return {
    db,
    client,
    prepare: (migrateOnStart: boolean) => prepareDatabaseAtStart(db, url, { migrateOnStart }),
    readiness,
  };
}

const postgresMigrations = readdirSync("drizzle-pg").filter((name) => name.endsWith(".sql")).length;
const sqliteMigrations = readdirSync("drizzle").filter((name) => name.endsWith(".sql")).length;

describe.skipIf(noPostgres)("starting on PostgreSQL", () => {
  it("recognises the database in every copy of the modules (the build bundles db/client.ts for instrumentation and routes apart)", async () => {
    const fresh = await createFreshDatabase();
    cleanUps.push(fresh.drop);
    const app = await startedWith(fresh.url);
    expect(await app.prepare(true)).toEqual({ ok: true });
    // The readiness route's copy, loaded after the start opened the database through its own.
    vi.resetModules();
    const routeCopy = await import("@/db/client");
    const { checkReadiness } = await import("@/lib/ops/readiness");
    expect(await routeCopy.pendingAppMigrations(app.db)).toBe(0);
    const { checks } = await checkReadiness({ db: app.db, privateKeyPath: "test/fixtures/snap-test-private.pem", reconciler: { lastCompletedPassAt: new Date(), passStartedAt: null }, draining: false, now: new Date() });
    expect(checks.migrations).toBe("ok");
  });

  it("refuses a database on an older migration, and with MIGRATE_ON_START applies them and serves", async () => {
    const fresh = await createFreshDatabase();
    cleanUps.push(fresh.drop);
    const app = await startedWith(fresh.url);
    expect(await app.prepare(false)).toEqual({ ok: false, problem: 'The database lacks migrations: run "npm run db:migrate" first.', details: { migrations: postgresMigrations } });
    expect((await app.readiness()).migrations).toBe(`${postgresMigrations} migration(s) not applied: run "npm run db:migrate"`);
    expect(await app.prepare(true)).toEqual({ ok: true });
    expect(await app.client.pendingAppMigrations(app.db)).toBe(0);
    const checks = await app.readiness();
    expect(checks.database).toBe("ok");
    expect(checks.migrations).toBe("ok");
    // The app's own code runs there: a user written and read back through the domain's Db.
    const { createUser, findUserByEmail } = await import("@/lib/users/service");
    expect(await createUser({ db: app.db, actor: null, ip: null }, { name: "Ayu Lestari", email: "ayu@merchant.co.id", role: "admin", password: "a-long-Merapi-password-4821" })).toMatchObject({ ok: true });
    expect(await findUserByEmail(app.db, "AYU@merchant.co.id")).toMatchObject({ name: "Ayu Lestari", role: "admin", active: true });
  });

  it("stops on a wrong password or a database that does not exist, in one sentence without the password", async () => {
    for (const [url, words] of [
      [postgresUrlWith({ password: "not-the-password" }), 'refused the password for user "cashin_test"'],
      [postgresUrlWith({ database: "no_such_payouts" }), 'Database "no_such_payouts" does not exist'],
    ] as const) {
      const app = await startedWith(url);
      const outcome = await app.prepare(true);
      expect(outcome.ok).toBe(false);
      expect(!outcome.ok && outcome.problem).toContain(words);
      expect(JSON.stringify(outcome)).not.toContain("not-the-password");
    }
  });

  it("a process started for PostgreSQL does not open a SQLite file (its tables are PostgreSQL's)", async () => {
    const app = await startedWith(postgresUrlWith({}));
    expect(() => app.client.openAppDatabase("file:data/other.db")).toThrow("this process was started for PostgreSQL (DATABASE_URL) and cannot open a SQLite database");
  });
});

describe("starting on SQLite", () => {
  it("refuses a file that lacks migrations, and with MIGRATE_ON_START applies them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cashin-start-"));
    cleanUps.push(async () => rmSync(dir, { recursive: true, force: true }));
    const app = await startedWith(`file:${join(dir, "app.db")}`);
    expect(await app.prepare(false)).toEqual({ ok: false, problem: 'The database lacks migrations: run "npm run db:migrate" first.', details: { migrations: sqliteMigrations } });
    expect(await app.prepare(true)).toEqual({ ok: true });
    expect((await app.readiness()).database).toBe("ok");
  });
});
