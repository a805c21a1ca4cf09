import { migrateAppDatabase, pendingAppMigrations, type Db } from "@/db/client";
import { checkPostgres } from "@/db/pg/connect";
import { databaseLabel, isPostgresUrl } from "@/lib/env";
import { log } from "@/lib/log";

export type DatabaseAtStart = { ok: true } | { ok: false; problem: string; details?: { migrations: number } };

/**
 * What the app and `npm run worker` do with their database before serving (docs/postgresql.md#serving-from-postgresql):
 * PostgreSQL must answer (one sentence says why not: refused, unknown host, wrong password, no such database, no
 * answer); with `migrateOnStart` the missing migrations are applied (one instance at a time); then a database that still
 * lacks migrations is refused, on either database.
 */
export async function prepareDatabaseAtStart(db: Db, url: string, { migrateOnStart }: { migrateOnStart: boolean }): Promise<DatabaseAtStart> {
  if (isPostgresUrl(url)) {
    const check = await checkPostgres(url);
    if (!check.ok) return { ok: false, problem: check.problem };
  }
  let pending = await pendingAppMigrations(db);
  if (migrateOnStart && pending > 0) {
    log().info({ migrations: pending, database: databaseLabel(url) }, "[start] applying migrations");
    await migrateAppDatabase(db);
    pending = await pendingAppMigrations(db);
  }
  if (pending > 0) return { ok: false, problem: 'The database lacks migrations: run "npm run db:migrate" first.', details: { migrations: pending } };
  return { ok: true };
}
