import "server-only";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { env, sqlitePath } from "@/lib/env";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * Opens a SQLite file with the pragmas every connection of this app uses. The file holds password hashes
 * and personal data, so only the app's own user may read it: a new folder is 0700, the file 0600 (created so
 * before SQLite opens it; SQLite gives its -wal and -shm files the database file's mode), and an older file
 * that others could read is narrowed to 0600 on open.
 */
export function openDatabase(file: string): Db {
  if (file !== ":memory:") {
    // turbopackIgnore: the database is data chosen at run time, not a file of the app to ship with the build.
    mkdirSync(/*turbopackIgnore: true*/ dirname(resolve(file)), { recursive: true, mode: 0o700 });
    closeSync(openSync(/*turbopackIgnore: true*/ file, "a", 0o600));
    for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(/*turbopackIgnore: true*/ path)) chmodSync(/*turbopackIgnore: true*/ path, 0o600);
  }
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  // Writers wait for each other instead of failing with SQLITE_BUSY under concurrent requests.
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("synchronous = NORMAL");
  return drizzle(sqlite, { schema });
}

export function migrateDatabase(db: Db, migrationsFolder = resolve(process.cwd(), "drizzle")): void {
  migrate(db, { migrationsFolder });
}

/** How many committed migrations this database lacks (0 when it is up to date). */
export function pendingMigrations(db: Db, migrationsFolder = resolve(process.cwd(), "drizzle")): number {
  const applied = db.$client
    .prepare("select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get() as { n: number };
  const done = applied.n ? (db.$client.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number }).n : 0;
  return Math.max(0, readMigrationFiles({ migrationsFolder }).length - done);
}

// One connection per process, kept on globalThis so dev-server reloads do not open a new one each time.
const globalForDb = globalThis as unknown as { cashinDb?: Db };

export function db(): Db {
  globalForDb.cashinDb ??= openDatabase(sqlitePath(env().DATABASE_URL));
  return globalForDb.cashinDb;
}

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** A connection or an open transaction: helpers that must join the caller's transaction take this. */
export type DbOrTx = Db | Tx;
