import { is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { afterEach, describe, expect, it, vi } from "vitest";

/**
 * `@/db/schema` hands the app the tables of the database `DATABASE_URL` names (docs/postgresql.md#one-code-path). A table
 * added to db/sqlite/schema.ts but not listed in db/schema.ts would still be exported (through `export *`), as its SQLite
 * table, also to a process on PostgreSQL: this test names it.
 */

type Module = Record<string, unknown>;

/** The three modules as a process started with this `DATABASE_URL` loads them (fresh: the choice is made at import). */
async function schemaFor(url: string | undefined) {
  vi.resetModules();
  vi.stubEnv("DATABASE_URL", url);
  const chosen = (await import("@/db/schema")) as unknown as Module & { tablesDialect: string };
  const sqlite = (await import("@/db/sqlite/schema")) as unknown as Module;
  const pg = (await import("@/db/pg/schema")) as unknown as Module;
  return { chosen, sqlite, pg, sqliteTables: Object.entries(sqlite).filter(([, value]) => is(value, SQLiteTable)) };
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe("the tables @/db/schema gives", () => {
  it("are SQLite's for a file: URL (and when none is set), every one of them", async () => {
    for (const url of ["file:data/app.db", undefined]) {
      const { chosen, sqliteTables } = await schemaFor(url);
      expect(sqliteTables.length).toBeGreaterThan(20);
      expect(chosen.tablesDialect).toBe("sqlite");
      for (const [name, table] of sqliteTables) expect(chosen[name], name).toBe(table);
    }
  });

  it("are PostgreSQL's for a postgres:// or postgresql:// URL, every one of them", async () => {
    for (const url of ["postgres://app@db:5432/payouts", "postgresql://app@db/payouts"]) {
      const { chosen, sqlite, pg, sqliteTables } = await schemaFor(url);
      expect(chosen.tablesDialect).toBe("postgres");
      for (const [name] of sqliteTables) {
        expect(is(chosen[name], PgTable), `${name} is PostgreSQL's table`).toBe(true);
        expect(chosen[name], name).toBe(pg[name]);
      }
      // The constants and enums are the same on both.
      expect(chosen.wallets).toBe(sqlite.wallets);
    }
  });
});
