import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { env, isPostgresUrl, sqlitePath } from "@/lib/env";
import { NestedTransactionError, postgresDomainDb, withTransactionOptions, type AppDatabase, type TransactionOptions } from "./database";
import { migratePostgres, openPostgres, pendingPostgresMigrations, type PgDb } from "./pg/connect";
import { tablesDialect } from "./schema";
import * as schema from "./sqlite/schema";

/** One drizzle connection to a SQLite file, as drizzle gives it. Domain code never holds one: it gets a `Db` or a `Tx`. */
export type Connection = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * Inside a transaction (`db.transaction(async (tx) => …)`): reads and writes on the one writing connection, seeing the
 * transaction's own writes. Pass it down to helpers that must join the transaction; never start another inside.
 */
export type Tx = Omit<Connection, "transaction">;

/**
 * The database as the domain sees it (docs/postgresql.md#one-code-path). Reads outside a transaction go straight to
 * it and see committed data only; every write happens inside `transaction`, awaited, which runs its work as if
 * alone and rolls all of it back on a throw. The write builders are absent from this type on purpose: a write
 * outside a transaction does not compile (and on SQLite the reading connection is read-only, so it would fail).
 */
export type Db = Omit<Connection, "transaction" | "insert" | "update" | "delete" | "run"> & {
  /** Which database it is (`dialectOf` in db/dialect.ts tells the same of a `Tx`). */
  readonly engine: "sqlite" | "postgres";
  /**
   * Runs `work` as one transaction and answers its result; a throw rolls everything back. Not nested: pass `tx` down
   * instead. `{ audited: false }` for one that appends nothing to the audit trail (db/database.ts).
   */
  transaction<T>(work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Closes the database's connections once the transactions already asked for have finished. */
  close(): Promise<void>;
};

/** A connection or an open transaction: helpers that only read, and may be called inside or outside a transaction, take this. */
export type DbOrTx = Db | Tx;

/**
 * The first row a query answers, or undefined: what SQLite's `.get()` gave, written the way both databases' query
 * builders allow (`await first(db.select()….limit(1))`, `await first(tx.update(…)….returning())`).
 */
export async function first<T>(rows: PromiseLike<T[]>): Promise<T | undefined> {
  return (await rows)[0];
}

export { NestedTransactionError };

/** One mutual-exclusion lock for async work: callers run one at a time, in the order they asked. */
export function mutex() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

const writers = new WeakMap<object, Connection>();

/** How many compiled statements a connection keeps (the app's queries are a few hundred texts; a list's length changes the text). */
const keptStatements = 500;

/**
 * The query builder compiles every query it did not prepare in advance anew; compiling costs about as much as
 * running a short one. A connection keeps its most recent compiled statements by text and hands them out again,
 * in the mode the builder expects (it asks for rows as arrays with `raw()` and never turns that off). Safe
 * because the app never iterates a statement lazily: each run ends before another may start.
 */
function keepStatements(sqlite: Database.Database): Database.Database {
  const compile = sqlite.prepare.bind(sqlite);
  const kept = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = kept.get(source);
    if (statement) {
      kept.delete(source);
      if (statement.reader) statement.raw(false);
    } else {
      statement = compile(source);
      if (kept.size >= keptStatements) kept.delete(kept.keys().next().value!);
    }
    kept.set(source, statement);
    return statement;
  }) as Database.Database["prepare"];
  return sqlite;
}

/**
 * Opens a SQLite file with the pragmas every connection of this app uses. The file holds password hashes
 * and personal data, so only the app's own user may read it: a new folder is 0700, the file 0600 (created so
 * before SQLite opens it; SQLite gives its -wal and -shm files the database file's mode), and an older file
 * that others could read is narrowed to 0600 on open.
 */
export function openConnection(file: string, { readonly = false } = {}): Connection {
  if (file !== ":memory:" && !readonly) {
    // turbopackIgnore: the database is data chosen at run time, not a file of the app to ship with the build.
    mkdirSync(/*turbopackIgnore: true*/ dirname(resolve(file)), { recursive: true, mode: 0o700 });
    closeSync(openSync(/*turbopackIgnore: true*/ file, "a", 0o600));
    for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(/*turbopackIgnore: true*/ path)) chmodSync(/*turbopackIgnore: true*/ path, 0o600);
  }
  const sqlite = keepStatements(readonly ? new Database(file, { readonly: true, fileMustExist: true }) : new Database(file));
  if (!readonly) sqlite.pragma("journal_mode = WAL");
  // Writers wait for each other instead of failing with SQLITE_BUSY under concurrent requests.
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("synchronous = NORMAL");
  return drizzle(sqlite, { schema });
}

/**
 * The app's database on a SQLite file: one writing connection, used by one transaction at a time (an async lock in
 * front of `BEGIN IMMEDIATE`: a transaction's awaits let other requests run, and they must not slip their statements
 * into it), and a second, read-only connection for every read outside a transaction. WAL lets that one read
 * committed data while a write is under way. `:memory:` (tests of one connection's SQL only) has no second
 * connection: reads go to the writer and may see a transaction's uncommitted writes.
 */
export function openDatabase(file: string): Db {
  const writer = openConnection(file);
  const reader = file === ":memory:" ? writer : openConnection(file, { readonly: true });
  const exclusive = mutex();
  const inside = new AsyncLocalStorage<true>();
  const db = drizzle(reader.$client, { schema }) as unknown as Connection;
  writers.set(db, writer);
  // Prepared once: every write of the app goes through these three (better-sqlite3's own transactions do the same).
  const [begin, commit, rollback] = ["begin immediate", "commit", "rollback"].map((statement) => writer.$client.prepare(statement));
  return Object.assign(db, {
    engine: "sqlite" as const,
    transaction<T>(work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
      if (inside.getStore()) return Promise.reject(new NestedTransactionError());
      return exclusive(() =>
        inside.run(true, () => withTransactionOptions(options, async () => {
          begin!.run();
          try {
            const result = await work(writer);
            commit!.run();
            return result;
          } catch (error) {
            if (writer.$client.inTransaction) rollback!.run();
            throw error;
          }
        })),
      );
    },
    async close() {
      await exclusive(async () => {
        if (reader !== writer) reader.$client.close();
        writer.$client.close();
      });
    },
  }) as unknown as Db;
}

/**
 * The writing connection behind `db`, for what must write outside the domain's transactions: migrations, and the
 * fixtures tests write before they run the code under test. Never while a transaction may be open.
 */
export function writerOf(db: Db): Connection {
  const writer = writers.get(db);
  if (!writer) throw new Error("not a database opened by openDatabase");
  return writer;
}

export function migrateDatabase(db: Db, migrationsFolder = resolve(process.cwd(), "drizzle")): void {
  migrate(writerOf(db), { migrationsFolder });
}

/** How many committed migrations this database lacks (0 when it is up to date). */
export function pendingMigrations(db: Db, migrationsFolder = resolve(process.cwd(), "drizzle")): number {
  const applied = db.$client
    .prepare("select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get() as { n: number };
  const done = applied.n ? (db.$client.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number }).n : 0;
  return Math.max(0, readMigrationFiles({ migrationsFolder }).length - done);
}

/** SQLite as an `AppDatabase` (db/database.ts): the app's own `Db`, one writer behind an async lock, a read-only reader. */
export function openSqliteAppDatabase(file: string): AppDatabase {
  const db = openDatabase(file);
  return { dialect: "sqlite", read: db, transaction: (work, options) => db.transaction(work, options), close: () => db.close() };
}

/**
 * The PostgreSQL database behind `db`, or undefined on SQLite. Told by `engine`, not by a registry kept in this module:
 * the build may bundle this module more than once (instrumentation and the routes), and a database opened through one
 * copy must be recognised by every other.
 */
function postgresOf(db: Db): PgDb | undefined {
  return db.engine === "postgres" ? (db as unknown as PgDb) : undefined;
}

/**
 * The database `DATABASE_URL` names (docs/postgresql.md): a SQLite file for `file:…`, PostgreSQL for `postgres://…`
 * (a pool; nothing connects until the first query). The tables `@/db/schema` gives this process are chosen by the same
 * variable; a URL of the other kind is refused, since the queries would be built for the wrong database.
 */
export function openAppDatabase(url: string): Db {
  const postgres = isPostgresUrl(url);
  if ((postgres ? "postgres" : "sqlite") !== tablesDialect) {
    throw new Error(`this process was started for ${tablesDialect === "postgres" ? "PostgreSQL" : "SQLite"} (DATABASE_URL) and cannot open ${postgres ? "a PostgreSQL" : "a SQLite"} database`);
  }
  if (!postgres) return openDatabase(sqlitePath(url));
  return postgresDomainDb(openPostgres(url));
}

/** Applies the migrations this database lacks: `drizzle/` on SQLite, `drizzle-pg/` on PostgreSQL (one instance at a time). */
export async function migrateAppDatabase(db: Db): Promise<void> {
  const pg = postgresOf(db);
  if (pg) await migratePostgres(pg);
  else migrateDatabase(db);
}

/** How many committed migrations this database lacks (0 when it is up to date), on either database. */
export async function pendingAppMigrations(db: Db, migrationsFolder?: string): Promise<number> {
  const pg = postgresOf(db);
  if (pg) return pendingPostgresMigrations(pg, migrationsFolder);
  return pendingMigrations(db, migrationsFolder);
}

// One database per process, kept on globalThis so dev-server reloads do not open a new one each time.
const globalForDb = globalThis as unknown as { cashinDb?: Db };

export function db(): Db {
  globalForDb.cashinDb ??= openAppDatabase(env().DATABASE_URL);
  return globalForDb.cashinDb;
}
