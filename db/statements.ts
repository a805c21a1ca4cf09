import type { DbOrTx } from "./client";

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
  let entries = entriesOf.get(db.$client);
  if (!entries) entriesOf.set(db.$client, (entries = new Map()));
  if (entries.has(key)) return entries.get(key) as T;
  const entry = build();
  if (entries.size >= entriesPerConnection) entries.delete(entries.keys().next().value!);
  entries.set(key, entry);
  return entry;
}
