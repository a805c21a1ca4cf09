import { AsyncLocalStorage } from "node:async_hooks";
import { sql, type SQL } from "drizzle-orm";
import type { Db, Tx } from "./client";

/**
 * The database as issue 19's one domain code path is to see it (docs/postgresql.md#one-code-path), whichever of
 * SQLite and PostgreSQL is behind it: reads outside a transaction on `read`, and every write inside `transaction`,
 * awaited. Domain code is written once against SQLite's schema types (test/db/pg-one-code-path.test.ts).
 *
 * The two databases keep the same promise for a transaction: it runs as if alone. The domain's rules were
 * written for SQLite, where `BEGIN IMMEDIATE` lets one writer in at a time, so a transaction may read a row and
 * then decide what to write from it. On PostgreSQL a transaction is SERIALIZABLE and run again when the server
 * refuses it for a conflict with another (40001, or a deadlock 40P01): the work function must therefore do
 * nothing but database work (no Cash In call, no mail) so that running it twice is harmless. On SQLite this is the
 * domain's own `Db` (db/client.ts); PostgreSQL joins it when `DATABASE_URL` can select it.
 */
export type AppDatabase = {
  dialect: "sqlite" | "postgres";
  /** Reads outside a transaction: on SQLite a read-only connection that sees only committed data. */
  read: Db;
  /** Runs `work` as one transaction and answers its result; a throw rolls everything back. Not nested: pass `tx` down instead. */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

export class NestedTransactionError extends Error {
  constructor() {
    super("a transaction was started inside another one: pass the outer transaction's tx down instead");
    this.name = "NestedTransactionError";
  }
}

/** How often a PostgreSQL transaction the server refused for a conflict is tried again before the refusal is thrown. */
export const serializationRetries = 10;

/** The server refused a transaction for a conflict with another: trying it again is safe and expected. */
export function isConflictRetryable(error: unknown): boolean {
  for (let cause = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; cause && depth < 5; cause = cause.cause as typeof cause, depth++) {
    if (cause.code === "40001" || cause.code === "40P01") return true;
  }
  return false;
}

type PgLike = {
  transaction<T>(work: (tx: unknown) => Promise<T>, config: { isolationLevel: "serializable" }): Promise<T>;
  $client: { end(): Promise<void> };
};

/**
 * PostgreSQL: the pool serves reads; each transaction is SERIALIZABLE on a connection of its own, tried again (with a
 * short random wait) while the server refuses it for a conflict, up to `serializationRetries` times.
 */
export function postgresAppDatabase(db: PgLike, { retries = serializationRetries, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)) } = {}): AppDatabase {
  const inside = new AsyncLocalStorage<true>();
  return {
    dialect: "postgres",
    read: db as unknown as Db,
    async transaction(work) {
      if (inside.getStore()) throw new NestedTransactionError();
      for (let attempt = 0; ; attempt++) {
        try {
          return await inside.run(true, () => db.transaction((tx) => work(tx as Tx), { isolationLevel: "serializable" }));
        } catch (error) {
          if (attempt >= retries || !isConflictRetryable(error)) throw error;
          await sleep(Math.random() * 5 * 2 ** Math.min(attempt, 6));
        }
      }
    },
    close: () => db.$client.end(),
  };
}

/**
 * What a write transaction on PostgreSQL does first: take the audit trail's table in a mode only one transaction holds at
 * a time (readers outside transactions are not held up). Nearly every write appends to the hash chain, which reads the
 * last entry: under SERIALIZABLE alone, writers that overlapped were refused and tried again, and 8 reconcilers at once
 * ran out of retries. Taken before the transaction's first read, so its snapshot is taken after the previous writer
 * committed (PostgreSQL takes it at the first query; a LOCK does not count): writers go one at a time across every
 * instance, as on SQLite's one writing connection, and SERIALIZABLE with its retries stays as the second line.
 */
export const writerLock = sql`lock table audit_entries in share row exclusive mode`;

/**
 * A PostgreSQL database as the domain's `Db` (db/client.ts): its query builders for reads, and `transaction` as
 * `postgresAppDatabase` runs it (SERIALIZABLE, tried again on a conflict, not nested), each opening with `writerLock`.
 * Typed as SQLite's `Db`: the domain is written once against those types, and `@/db/schema` gives PostgreSQL's tables
 * in a process whose `DATABASE_URL` is a postgres:// URL.
 */
export function postgresDomainDb(db: PgLike & object, options?: Parameters<typeof postgresAppDatabase>[1]): Db {
  const begin = db.transaction.bind(db);
  const own: PgLike = {
    transaction: (work, config) =>
      begin(async (tx) => {
        await (tx as { execute(query: SQL): Promise<unknown> }).execute(writerLock);
        return work(tx);
      }, config),
    $client: db.$client,
  };
  const app = postgresAppDatabase(own, options);
  return Object.assign(db, { engine: "postgres" as const, transaction: app.transaction, close: app.close }) as unknown as Db;
}
