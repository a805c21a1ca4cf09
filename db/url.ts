/**
 * Whether a DATABASE_URL names a PostgreSQL server rather than a SQLite file. Imports nothing, so that what must decide
 * it before the app's modules load (db/schema.ts, the test run's set-up and its PostgreSQL config) asks this one test.
 */
export function isPostgresUrl(databaseUrl: string): boolean {
  return /^postgres(ql)?:\/\//i.test(databaseUrl);
}
