import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { inject, vi } from "vitest";
import { migrateDatabase, openDatabase, writerOf, type Connection, type Db } from "@/db/client";
import { postgresDomainDb } from "@/db/database";
import { openPostgres } from "@/db/pg/connect";
import type { Role } from "@/db/schema";
import { tablesDialect, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";

/**
 * A test's database: the app's `Db` (reads outside transactions, writes in awaited transactions), plus builders that
 * write outside a transaction so a test can lay out its fixtures in one line before it runs the code under test.
 * Domain code is typed against `Db` and cannot reach these.
 */
export type TestDb = Db & Pick<Connection, "insert" | "update" | "delete">;

/**
 * Which database the tests' databases are (docs/postgresql.md#the-suite-on-both-databases): SQLite, unless the run was started for
 * PostgreSQL (vitest.postgres.config.mts sets DATABASE_URL to the test server, so `@/db/schema` gives PostgreSQL's tables).
 */
export const testDialect = tablesDialect;

/** The run's folder (test/global-setup.ts makes it and removes it when the run ends). */
const folder = inject("testDbFolder") ?? join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), `cashin-test-${randomUUID()}`);
mkdirSync(folder, { recursive: true });
let counter = 0;

/** A file name for a throw-away database, new to this run, removed when the run ends. */
export function testDbFile(): string {
  return join(folder, `${process.pid}-${++counter}.db`);
}

/**
 * A fresh database with every migration applied: on SQLite a throw-away file (in memory where /dev/shm is); on
 * PostgreSQL a new database copied from the run's migrated template (test/global-setup.ts), dropped after the test
 * that made it (or after its file, when made in `beforeAll`) by test/postgres-setup.ts.
 */
export async function createTestDb(): Promise<TestDb> {
  if (testDialect === "postgres") return createPostgresTestDb();
  const db = openDatabase(testDbFile());
  migrateDatabase(db);
  return withFixtureWrites(db);
}

/** `db` plus the writing connection's builders, for a test's fixtures (SQLite; PostgreSQL's `Db` has its own). */
export function withFixtureWrites(db: Db): TestDb {
  if (db.engine === "postgres") return db as TestDb;
  const writer = writerOf(db);
  return Object.assign(db, {
    insert: writer.insert.bind(writer),
    update: writer.update.bind(writer),
    delete: writer.delete.bind(writer),
  }) as TestDb;
}

/**
 * Runs one raw statement on a test database outside the app's transactions, in the database's own SQL: for what a test
 * must do behind the app's back (undo a migration's record, make the database read-only).
 */
export async function executeRaw(db: TestDb, statements: { sqlite: string; postgres: string }): Promise<void> {
  if (db.engine === "postgres") await (db as unknown as { $client: pg.Pool }).$client.query(statements.postgres);
  else writerOf(db).$client.exec(statements.sqlite);
}

/** Makes a PostgreSQL test database refuse writes from every connection opened after this (its pool should have none yet). */
export async function makePostgresReadOnly(db: TestDb): Promise<void> {
  const found = made.find((m) => m.db === db);
  if (!found) throw new Error("not a PostgreSQL test database made by createTestDb");
  await onServer(`alter database ${found.name} set default_transaction_read_only = on`);
}

/**
 * The SQL statements `db` runs outside transactions from now on. On SQLite, the statements it prepares: its cache
 * (db/statements.ts) prepares each shape of query once per connection, so a repeated query adds nothing. On
 * PostgreSQL, every statement it sends to the server.
 */
export function watchStatements(db: TestDb): { readonly sql: string[]; restore(): void } {
  if (db.engine === "postgres") {
    const seen: string[] = [];
    const pool = (db as unknown as { $client: pg.Pool }).$client;
    const spy = vi.spyOn(pool, "query") as unknown as { mockImplementation(f: (...args: unknown[]) => unknown): void; mockRestore(): void };
    const original = pg.Pool.prototype.query.bind(pool) as (...args: unknown[]) => unknown;
    spy.mockImplementation((...args: unknown[]) => {
      const query = args[0];
      seen.push(typeof query === "string" ? query : (query as { text: string }).text);
      return original(...args);
    });
    return { sql: seen, restore: () => spy.mockRestore() };
  }
  const spy = vi.spyOn(db.$client, "prepare");
  let kept: string[] | undefined;
  return {
    get sql() {
      return kept ?? spy.mock.calls.map(([source]) => source);
    },
    // Restoring forgets the calls: what was seen stays readable.
    restore() {
      kept = spy.mock.calls.map(([source]) => source);
      spy.mockRestore();
    },
  };
}

type Made = { db: Db; name: string; inTest: boolean };
const made: Made[] = [];
let inTest = false;

/** test/postgres-setup.ts: whether databases made from now on belong to one test (true) or to the file (false). */
export function markTestScope(value: boolean): void {
  inTest = value;
}

/** Closes and drops the databases a test made (`which: "test"`) or every one left (`"all"`). */
export async function releaseTestDbs(which: "test" | "all"): Promise<void> {
  const done = made.filter((m) => which === "all" || m.inTest);
  for (const m of done) made.splice(made.indexOf(m), 1);
  for (const m of done) {
    await m.db.close().catch(() => {});
    await onServer(`drop database if exists ${m.name} with (force)`);
  }
}

async function createPostgresTestDb(): Promise<TestDb> {
  const template = inject("postgresTemplate");
  if (!template) throw new Error("a PostgreSQL run without its template database: test/global-setup.ts makes it when DATABASE_URL is a postgres:// URL");
  const name = `cashin_t_${randomBytes(6).toString("hex")}`;
  await onServer(`create database ${name} template ${template}`);
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  const db = postgresDomainDb(openPostgres(url.toString()));
  made.push({ db, name, inTest });
  return db as TestDb;
}

function serverUrl(): string {
  const url = process.env.DATABASE_URL ?? "";
  if (!url) throw new Error("DATABASE_URL is not set for a PostgreSQL run");
  return url;
}

let admin: pg.Pool | undefined;

async function onServer(statement: string): Promise<void> {
  admin ??= new pg.Pool({ connectionString: serverUrl(), max: 1 });
  await admin.query(statement);
}

export async function insertUser(
  db: TestDb,
  user: { name?: string; email: string; role: Role; password?: string; active?: boolean },
) {
  const [user_] = await db
    .insert(users)
    .values({
      name: user.name ?? user.email.split("@")[0]!,
      email: user.email,
      role: user.role,
      active: user.active ?? true,
      passwordHash: await hashPassword(user.password ?? "correct-horse-battery"),
    })
    .returning();
  return user_!;
}
