import type { SQL } from "drizzle-orm";
import type { DbOrTx } from "./client";
import { dialectOf } from "./dialect";

/** Enough for every view people use; the oldest entry goes when a new one would pass it. */
const entriesPerConnection = 300;
const entriesOf = new WeakMap<object, Map<string, unknown>>();

/**
 * What `build` returns for `key` on this connection, built on first use: a prepared statement of one
 * shape of query, or a plan choice. Building a view's SQL and letting SQLite plan it again cost several
 * times what running it does; the values go in as placeholders, so one statement serves every value of
 * its shape.
 */
export function oncePerConnection<T>(db: DbOrTx, key: string, build: () => T): T {
  // On PostgreSQL the server plans each statement; what is kept is the statement's text and its mapping, built once
  // for the pool (a transaction's statements belong to its connection, and a transaction has no `$client`).
  const client = (db as { $client?: object }).$client;
  if (dialectOf(db) === "postgres" && !client) return build();
  let entries = entriesOf.get(client!);
  if (!entries) entriesOf.set(client!, (entries = new Map()));
  if (entries.has(key)) return entries.get(key) as T;
  const entry = build();
  if (entries.size >= entriesPerConnection) entries.delete(entries.keys().next().value!);
  entries.set(key, entry);
  return entry;
}

/** What a prepared select offers on SQLite (run at once) and on PostgreSQL (a promise), as far as these helpers use it. */
type PreparedSelect = {
  all?(placeholders: Record<string, unknown>): unknown[];
  values?(placeholders: Record<string, unknown>): unknown[][];
  get?(placeholders: Record<string, unknown>): unknown;
  execute(placeholders: Record<string, unknown>): unknown;
};

/** A time as a placeholder's value: placeholders reach the driver as given, so as the database keeps times (ms in SQLite). */
export function timeValue(db: DbOrTx, at: Date): Date | number {
  return dialectOf(db) === "postgres" ? at : at.getTime();
}

/**
 * A prepared select's rows as tuples, in the order of its columns, time columns as milliseconds: what SQLite's raw
 * `.values()` answers (the hot paths read so, for speed), and on PostgreSQL the mapped rows laid out the same way.
 */
export async function tuplesOf(db: DbOrTx, prepared: PreparedSelect, placeholders: Record<string, unknown>): Promise<unknown[][]> {
  if (dialectOf(db) === "sqlite") return prepared.values!(placeholders);
  const rows = (await prepared.execute(placeholders)) as Record<string, unknown>[];
  return rows.map((row) => Object.values(row).map((value) => (value instanceof Date ? value.getTime() : value)));
}

/** A prepared select's rows, mapped. */
export async function allOf<T>(db: DbOrTx, prepared: PreparedSelect, placeholders: Record<string, unknown>): Promise<T[]> {
  if (dialectOf(db) === "sqlite") return prepared.all!(placeholders) as T[];
  return (await prepared.execute(placeholders)) as T[];
}

/** A prepared select's first row, mapped, or undefined. */
export async function firstOf<T>(db: DbOrTx, prepared: PreparedSelect, placeholders: Record<string, unknown>): Promise<T | undefined> {
  if (dialectOf(db) === "sqlite") return prepared.get!(placeholders) as T | undefined;
  return ((await prepared.execute(placeholders)) as T[])[0];
}

/** Runs a prepared write for its effect. */
export async function runOf(db: DbOrTx, prepared: { run?(placeholders: Record<string, unknown>): unknown; execute(placeholders: Record<string, unknown>): unknown }, placeholders: Record<string, unknown>): Promise<void> {
  if (dialectOf(db) === "sqlite") prepared.run!(placeholders);
  else await prepared.execute(placeholders);
}

/**
 * The rows of a statement written in SQL (`db.all` on SQLite, `execute` on PostgreSQL), as the driver gives them:
 * PostgreSQL answers counts and sums of big integers as strings, and times as text, so the caller converts what it reads.
 * Name the columns with double quotes (`as "ownerName"`): PostgreSQL folds an unquoted name to lower case.
 */
export async function rowsOf<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  if (dialectOf(db) === "sqlite") return (db as unknown as { all<R>(query: SQL): R[] }).all<T>(query);
  return ((await (db as unknown as { execute(query: SQL): Promise<{ rows: T[] }> }).execute(query)).rows);
}
