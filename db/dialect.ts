import { is, sql, type Placeholder, type SQL, type SQLWrapper } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";

/**
 * The SQL that SQLite and PostgreSQL spell differently, in one place (docs/postgresql.md#one-code-path). Domain code
 * writes everything else once with the query builder; where a query needs one of these, it asks the database it runs on
 * (`dialectOf(db)`) and takes the fragment for it. Each fragment answers the same value on both, which
 * test/db/both-databases.test.ts checks against both databases.
 */

export type Dialect = "sqlite" | "postgres";

/** Which database `db` (a database, a transaction, or a read-only `Db`) talks to: Drizzle builds its queries for it. */
export function dialectOf(db: object): Dialect {
  return is((db as { dialect?: unknown }).dialect, PgDialect) ? "postgres" : "sqlite";
}

/** The minute a time column falls in, as milliseconds since 1970 (a whole number of minutes; PostgreSQL answers it as text). */
export function minuteOf(dialect: Dialect, column: SQLWrapper): SQL<number | string> {
  return dialect === "postgres" ? sql`(floor(extract(epoch from ${column}) / 60) * 60000)::bigint` : sql`(${column} / 60000 * 60000)`;
}

/**
 * A time as milliseconds since 1970, as a whole number: how SQLite keeps a time column, and how a millisecond column
 * (`approvals.round`, `notifications.round`) is compared with one. PostgreSQL keeps times as timestamptz.
 */
export function epochMs(dialect: Dialect, time: SQLWrapper): SQL<number | string> {
  return dialect === "postgres" ? sql`(round(extract(epoch from ${time}) * 1000))::bigint` : sql`${time}`;
}

/** Whether `column` contains `text` as it is: no pattern characters, case as typed (`instr` in SQLite, `strpos` in PostgreSQL). */
export function contains(dialect: Dialect, column: SQLWrapper, text: string): SQL {
  return dialect === "postgres" ? sql`strpos(${column}, ${text}) > 0` : sql`instr(${column}, ${text}) > 0`;
}

/** The text of one top-level key of a JSON column (`json_extract` in SQLite, `->>` in PostgreSQL); null when absent. */
export function jsonText(dialect: Dialect, column: SQLWrapper, key: string): SQL<string | null> {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(key)) throw new Error(`not a plain JSON key: ${key}`);
  return dialect === "postgres" ? sql`(${column} ->> ${key})` : sql`json_extract(${column}, ${`$.${key}`})`;
}

/**
 * `column LIKE pattern` with `\` escaping `%`, `_` and itself, and case folded: SQLite's LIKE folds ASCII letters,
 * PostgreSQL's does not, so there it is ILIKE (which folds every letter; at least as lenient).
 */
export function likeFolded(dialect: Dialect, column: SQLWrapper, pattern: string | Placeholder): SQL {
  return dialect === "postgres" ? sql`${column} ilike ${pattern} escape '\\'` : sql`${column} like ${pattern} escape '\\'`;
}

/**
 * Ends a `SELECT` that picks work to lease: PostgreSQL locks the rows it picks and passes over those another
 * transaction holds (`FOR UPDATE SKIP LOCKED`), so runners in several processes take different rows without waiting
 * for each other. SQLite writes one transaction at a time and has no row locks: nothing (the pick is as good).
 */
export function skippingLocked(dialect: Dialect): SQL {
  return dialect === "postgres" ? sql`for update skip locked` : sql``;
}

/**
 * `column` is among the rows `picked` (a parenthesized `SELECT` of one column) selects, evaluated once: PostgreSQL may
 * run an `IN (subquery)` again for each row it joins it with, each run picking and locking rows of its own (its `LIMIT`
 * then bounds nothing), so there the subquery is made an array first, which it computes once. SQLite computes an
 * `IN (subquery)` that names no outer column once.
 */
export function inPicked(dialect: Dialect, column: SQLWrapper, picked: SQL): SQL {
  return dialect === "postgres" ? sql`${column} = any(array${picked})` : sql`${column} in ${picked}`;
}

/**
 * Whether `error` is a unique index refusing a row: SQLite's message names the index's columns
 * (`UNIQUE constraint failed: transfers.retry_of_id`), PostgreSQL's error (23505) names the index. Looks through
 * the causes Drizzle wraps a driver's error in.
 */
export function isUniqueViolation(error: unknown, index: { name: string; columns: string }): boolean {
  for (let cause = error as { code?: unknown; constraint?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; cause && depth < 5; cause = cause.cause as typeof cause, depth++) {
    if (cause.code === "23505" && cause.constraint === index.name) return true;
    if (typeof cause.message === "string" && cause.message.includes(`UNIQUE constraint failed: ${index.columns}`)) return true;
  }
  return false;
}
