import { AsyncLocalStorage } from "node:async_hooks";
import { drizzle } from "drizzle-orm/node-postgres";
import type pg from "pg";
import * as pgSchema from "./pg/schema";
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
  transaction<T>(work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
};

export type TransactionOptions = {
  /**
   * `false`: the transaction appends nothing to the audit trail (a lease taken or given back, a gateway call stored).
   * On PostgreSQL it then does not wait for `writerLock`, SERIALIZABLE alone keeping it correct; on either database
   * an audit entry appended inside it throws `UnauditedTransactionError`. Default `true`.
   */
  audited?: boolean;
  /**
   * `true`: the work sends exactly one statement (a lease taken by one conditional UPDATE, a gateway call stored by one
   * INSERT), and appends nothing to the audit trail (implies `audited: false`). On PostgreSQL that statement goes out
   * alone on a pooled connection, without BEGIN and COMMIT: one statement is one transaction by itself, and an UPDATE
   * that waited for another's row lock checks its WHERE again on the row as that one left it. Three round trips
   * become one. A second statement is refused with `OneStatementError` (the first has committed). On SQLite it is
   * an ordinary transaction.
   */
  oneStatement?: boolean;
};

/** Inside the work of a transaction opened with `{ audited: false }` (or `{ oneStatement: true }`, then `oneStatement`). */
const unaudited = new AsyncLocalStorage<{ oneStatement: boolean }>();

/** Runs `work` as the given options say: inside `unaudited` when the transaction appends nothing to the audit trail. */
export function withTransactionOptions<T>(options: TransactionOptions | undefined, work: () => Promise<T>): Promise<T> {
  const oneStatement = options?.oneStatement === true;
  return options?.audited === false || oneStatement ? unaudited.run({ oneStatement }, work) : work();
}

export class OneStatementError extends Error {
  constructor() {
    super("a second statement was sent in a transaction opened with { oneStatement: true }: open it without");
    this.name = "OneStatementError";
  }
}

export class UnauditedTransactionError extends Error {
  constructor() {
    super("an audit entry was appended in a transaction opened with { audited: false }: open it audited");
    this.name = "UnauditedTransactionError";
  }
}

/**
 * Called before every append to the audit trail: a transaction that said it appends nothing did not take the writers'
 * lock on PostgreSQL, so its entry could fork the hash chain. Thrown on SQLite too, so the SQLite tests catch it.
 */
export function assertMayAppendAudit(): void {
  if (unaudited.getStore()) throw new UnauditedTransactionError();
}

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
    async transaction(work, options) {
      if (inside.getStore()) throw new NestedTransactionError();
      for (let attempt = 0; ; attempt++) {
        try {
          return await inside.run(true, () => withTransactionOptions(options, () => db.transaction((tx) => work(tx as Tx), { isolationLevel: "serializable" })));
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
export const writerLock = "lock table audit_entries in share row exclusive mode";

/**
 * How a write transaction opens on PostgreSQL: BEGIN and `writerLock` sent together, in one round trip (a simple query
 * of two statements). Every round trip made while holding the lock is one that every other writer waits for. One that
 * appends nothing to the audit trail (`{ audited: false }`) opens without the lock.
 */
const openTransaction = "begin isolation level serializable";
export const openWriteTransaction = `${openTransaction}; ${writerLock}; select hash from audit_entries order by id desc limit 1`;

/**
 * The audit chain's last hash as a transaction that holds `writerLock` sees it, read in the same round trip that took
 * the lock (null: the trail is empty). The snapshot of a SERIALIZABLE transaction is taken at its first query, so a
 * read later in the transaction would answer the same; `recordAuditMany` keeps it up to date with its own appends.
 * Absent (undefined) where nothing read it: on SQLite, and in a transaction opened `{ audited: false }`.
 */
const chainHeads = new WeakMap<object, Promise<{ hash: string | null }>>();

export function chainHeadOf(tx: object): Promise<{ hash: string | null }> | undefined {
  return chainHeads.get(tx);
}

type PooledClient = { query(text: string): Promise<unknown>; release(destroy?: Error | boolean): void };
type PgPool = { connect(): Promise<PooledClient>; query(...args: unknown[]): Promise<unknown>; end(): Promise<void> };

/**
 * A PostgreSQL database as the domain's `Db` (db/client.ts): its query builders for reads, and `transaction` as
 * `postgresAppDatabase` runs it (SERIALIZABLE, tried again on a conflict, not nested), each opened with
 * `openWriteTransaction` (unless it appends nothing to the audit trail) on a connection of the pool. The transaction's
 * `tx` is a query builder kept with that connection (`$client`), so statements prepared once per connection
 * (db/statements.ts) serve its later transactions.
 * Typed as SQLite's `Db`: the domain is written once against those types, and `@/db/schema` gives PostgreSQL's tables
 * in a process whose `DATABASE_URL` is a postgres:// URL.
 */
export function postgresDomainDb(db: object & { $client: PgPool }, options?: Parameters<typeof postgresAppDatabase>[1]): Db {
  const pool = db.$client;
  const builders = new WeakMap<PooledClient, object>();
  const builderOf = (client: PooledClient) => {
    let tx = builders.get(client);
    if (!tx) {
      // Never nested: the domain passes `tx` down (Tx has no transaction); a BEGIN here would end the outer one's work.
      tx = Object.assign(drizzle({ client: client as unknown as pg.PoolClient, schema: pgSchema }), { transaction: () => Promise.reject(new NestedTransactionError()) });
      builders.set(client, tx);
    }
    return tx;
  };
  // `{ oneStatement: true }`: the work's one statement goes to the pool as it is; a second is refused.
  const sent = new AsyncLocalStorage<{ statements: number }>();
  const alone = {
    query: (...args: unknown[]) => {
      const count = sent.getStore();
      if (!count || count.statements++ > 0) return Promise.reject(new OneStatementError());
      return pool.query(...args);
    },
  };
  const lone = Object.assign(drizzle({ client: alone as unknown as pg.Pool, schema: pgSchema }), { transaction: () => Promise.reject(new NestedTransactionError()) });
  const own: PgLike = {
    async transaction(work) {
      if (unaudited.getStore()?.oneStatement) {
        // The query builder wraps what the driver throws ("Failed query: …"); the misuse is named as itself.
        // Awaited inside: a work that returns its statement unawaited has it sent within the count too.
        return sent.run({ statements: 0 }, async () => await work(lone)).catch((error: unknown) => {
          throw error instanceof Error && error.cause instanceof OneStatementError ? error.cause : error;
        });
      }
      const client = await pool.connect();
      let broken: unknown;
      try {
        const tx = builderOf(client);
        // Not awaited before the work starts: the connection sends the work's first statement the moment the opening
        // is answered, without waiting for this process to come back to it (a busy event loop would make every
        // other writer wait that long too). The statements queue on the one connection, in order.
        const opening = client.query(unaudited.getStore() ? openTransaction : openWriteTransaction);
        const openFailure = opening.then(() => undefined, (error: unknown) => error ?? new Error("the transaction did not open"));
        if (!unaudited.getStore()) {
          const head = opening.then((results) => ({ hash: (results as { rows: { hash: string }[] }[]).at(-1)?.rows[0]?.hash ?? null }));
          head.catch(() => {}); // the failure is thrown through `openFailure`
          chainHeads.set(tx, head);
        }
        let result: Awaited<ReturnType<typeof work>>;
        try {
          result = await work(tx);
        } catch (error) {
          // A work that failed because the transaction never opened reports why it did not.
          throw (await openFailure) ?? error;
        }
        const failedToOpen = await openFailure;
        if (failedToOpen) throw failedToOpen;
        await client.query("commit");
        return result;
      } catch (error) {
        // After a failed COMMIT the transaction is over already, and ROLLBACK only warns; a connection that cannot
        // roll back is not handed out again.
        await client.query("rollback").catch((rollbackFailed: unknown) => (broken = rollbackFailed));
        throw error;
      } finally {
        chainHeads.delete(builderOf(client));
        client.release(broken instanceof Error ? broken : broken !== undefined);
      }
    },
    $client: pool,
  };
  const app = postgresAppDatabase(own, options);
  return Object.assign(db, { engine: "postgres" as const, transaction: app.transaction, close: app.close }) as unknown as Db;
}
