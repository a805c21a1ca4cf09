import "server-only";
import { resolve } from "node:path";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { readMigrationFiles } from "drizzle-orm/migrator";
import pg from "pg";
import * as schema from "./schema";

/**
 * PostgreSQL's side of db/client.ts (docs/postgresql.md). Nothing in the app uses it yet: the domain code still
 * runs on SQLite only. What is here is what a start on PostgreSQL needs first: a pool, a connection check that
 * says in one sentence what is wrong, and the migrations.
 */

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

const defaultMigrationsFolder = () => resolve(process.cwd(), "drizzle-pg");

/** How long a connection may take before the check gives up on the server. */
const connectTimeoutMs = 5_000;

export function openPostgres(url: string, options: { max?: number } = {}): PgDb {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: connectTimeoutMs });
  // An idle connection the server drops (a restart, a fail-over) must not crash the process: the pool replaces it.
  pool.on("error", () => {});
  return drizzle({ client: pool, schema });
}

export type PostgresCheck = { ok: true } | { ok: false; problem: string };

/**
 * Connects once to `url` and answers whether the app could work there, or one sentence saying what is wrong, for a
 * person who reads it in a start-up log: the host, port, user and database are named, the password never is.
 */
export async function checkPostgres(url: string, options: { timeoutMs?: number } = {}): Promise<PostgresCheck> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, problem: "DATABASE_URL is not a valid URL such as postgres://user:password@host:5432/database." };
  }
  if (target.protocol !== "postgres:" && target.protocol !== "postgresql:") {
    return { ok: false, problem: "DATABASE_URL for PostgreSQL must start with postgres:// or postgresql://." };
  }
  const host = target.hostname || "localhost";
  const where = `${host}:${target.port || "5432"}`;
  const user = decodeURIComponent(target.username) || "(none)";
  const database = decodeURIComponent(target.pathname.slice(1)) || user;
  const timeoutMs = options.timeoutMs ?? connectTimeoutMs;

  // query_timeout: a server that lets us in and then never answers must not hang the start either.
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  // A socket error after connect() settled would otherwise be an unhandled 'error' event.
  client.on("error", () => {});
  const started = Date.now();
  try {
    await client.connect();
    await client.query("select 1");
    return { ok: true };
  } catch (error) {
    // pg's own timeout surfaces as "timeout expired" or, when it cuts a TCP connect short, "Connection terminated
    // unexpectedly": the time taken tells them apart from a server that closed the connection.
    const timedOut = Date.now() - started >= timeoutMs;
    const redact = (text: string) => withoutPassword(text, decodeURIComponent(target.password));
    return { ok: false, problem: problemOf(error, { where, host, user, database, timeoutMs, timedOut }, redact) };
  } finally {
    await client.end().catch(() => {});
  }
}

function problemOf(
  error: unknown,
  at: { where: string; host: string; user: string; database: string; timeoutMs: number; timedOut: boolean },
  redact: (text: string) => string,
): string {
  const { code } = error as { code?: string };
  const message = redact((error as { message?: string }).message ?? String(error));
  switch (code) {
    case "ECONNREFUSED":
      return `PostgreSQL at ${at.where} refused the connection: no server listens there.`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `PostgreSQL host ${at.host} was not found (DNS).`;
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `PostgreSQL at ${at.where} cannot be reached (${code}).`;
    case "28P01":
      return `PostgreSQL at ${at.where} refused the password for user "${at.user}" (or no such user exists).`;
    case "28000":
      return `PostgreSQL at ${at.where} does not let user "${at.user}" connect to database "${at.database}": ${message}.`;
    case "3D000":
      return `Database "${at.database}" does not exist on PostgreSQL at ${at.where}.`;
    case "57P03":
      return `PostgreSQL at ${at.where} is starting up or shutting down.`;
  }
  if (at.timedOut || /timeout/i.test(message)) {
    return `PostgreSQL at ${at.where} did not answer within ${at.timeoutMs / 1000} seconds.`;
  }
  return `PostgreSQL at ${at.where} could not be used: ${message}.`;
}

// The server's own words never hold the password, but a driver's error might quote the URL.
function withoutPassword(text: string, password: string): string {
  return password ? text.split(password).join("***") : text;
}

/** One number for every process of this app that migrates: two instances starting at once migrate one after the other. */
const migrationLock = 7_413_602_019;

/**
 * Applies drizzle-pg's migrations that the database lacks. Drizzle reads what was applied before its own transaction,
 * so two processes migrating at once could both apply a migration (one then fails); a session advisory lock held on
 * the migrating connection makes the second one wait, then find nothing left to do.
 */
export async function migratePostgres(db: PgDb, migrationsFolder = defaultMigrationsFolder()): Promise<void> {
  const client = await db.$client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [migrationLock]);
    try {
      await migrate(drizzle({ client, schema }), { migrationsFolder });
    } finally {
      await client.query("select pg_advisory_unlock($1)", [migrationLock]);
    }
  } finally {
    client.release();
  }
}

/** How many of drizzle-pg's migrations this database lacks (0 when it is up to date), as migratePostgres would count them. */
export async function pendingPostgresMigrations(db: PgDb, migrationsFolder = defaultMigrationsFolder()): Promise<number> {
  const migrations = readMigrationFiles({ migrationsFolder });
  const table = await db.$client.query<{ name: string | null }>(`select to_regclass('drizzle.__drizzle_migrations')::text as name`);
  if (!table.rows[0]?.name) return migrations.length;
  const last = await db.$client.query<{ created_at: string | null }>(
    "select max(created_at)::text as created_at from drizzle.__drizzle_migrations",
  );
  const appliedUpTo = Number(last.rows[0]?.created_at ?? 0);
  return migrations.filter((migration) => migration.folderMillis > appliedUpTo).length;
}
