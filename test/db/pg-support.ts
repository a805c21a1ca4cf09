import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * The PostgreSQL server of the tests: scripts/test.sh starts one with scripts/postgres.sh and sets TEST_POSTGRES_URL.
 * Without it the PostgreSQL tests skip, and say why once per file.
 */
export const postgresUrl = process.env.TEST_POSTGRES_URL ?? "";

export const noPostgres = postgresUrl === "";

if (noPostgres) {
  console.info("PostgreSQL tests skipped: TEST_POSTGRES_URL is not set (npm test sets it from scripts/postgres.sh)");
}

/** The test server's URL with another database, user or password. */
export function postgresUrlWith(change: { database?: string; user?: string; password?: string }): string {
  const url = new URL(postgresUrl);
  if (change.database !== undefined) url.pathname = `/${change.database}`;
  if (change.user !== undefined) url.username = change.user;
  if (change.password !== undefined) url.password = change.password;
  return url.toString();
}

/** A new empty database on the test server (the test role may create them), and a way to drop it. */
export async function createFreshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `cashin_t_${randomBytes(6).toString("hex")}`;
  await onServer(`create database ${name}`);
  return { url: postgresUrlWith({ database: name }), drop: () => dropDatabase(name) };
}

/**
 * Drops a test's database, ending its sessions. A server process the test role may not end (an autovacuum worker on a
 * server other than scripts/postgres.sh's, which runs without) refuses the drop for a moment: it is tried again.
 */
async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await onServer(`drop database if exists ${name} with (force)`);
    } catch (error) {
      if ((error as { code?: string }).code !== "42501" || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Runs one statement on the test server (`url`: another way to reach it, such as a PostgreSQL run's DATABASE_URL). */
export async function onServer(statement: string, url = postgresUrl): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
