import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, openSqliteAppDatabase, type Connection } from "@/db/client";
import { isConflictRetryable, NestedTransactionError, postgresAppDatabase, type AppDatabase } from "@/db/database";
import { migratePostgres, openPostgres } from "@/db/pg/connect";
import * as pgSchema from "@/db/pg/schema";
import * as sqliteSchema from "@/db/sqlite/schema";
import { createFreshDatabase, noPostgres } from "./pg-support";

/**
 * db/database.ts: the promise both databases keep to the domain (docs/postgresql.md#one-code-path): a transaction
 * runs as if alone, a read outside one sees only committed data, a throw leaves nothing behind.
 */

type Opened = { database: AppDatabase; tables: typeof sqliteSchema; cleanUp: () => Promise<void> };

const dialects: { name: string; skip: boolean; open: () => Promise<Opened> }[] = [
  {
    name: "SQLite",
    skip: false,
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), "cashin-appdb-"));
      const file = join(dir, "app.db");
      const setup = openDatabase(file);
      migrateDatabase(setup);
      await setup.close();
      const database = openSqliteAppDatabase(file);
      return {
        database,
        tables: sqliteSchema,
        cleanUp: async () => {
          await database.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "PostgreSQL",
    skip: noPostgres,
    open: async () => {
      const fresh = await createFreshDatabase();
      const db = openPostgres(fresh.url, { max: 8 });
      await migratePostgres(db);
      const database = postgresAppDatabase(db);
      return {
        database,
        tables: pgSchema as unknown as typeof sqliteSchema,
        cleanUp: async () => {
          await database.close();
          await fresh.drop();
        },
      };
    },
  },
];

/** Lets every other waiting callback run: what an await on a slow query does in a real request. */
const yieldToOthers = () => new Promise((resolve) => setImmediate(resolve));

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`the app's database on ${dialect.name}`, () => {
    let opened: Opened;
    beforeEach(async () => {
      opened = await dialect.open();
    });
    afterEach(async () => {
      await opened.cleanUp();
    });

    async function newUser(email: string) {
      const { database, tables } = opened;
      return database.transaction(async (tx) => {
        const [user] = await tx.insert(tables.users).values({ name: "Sari", email, role: "staff", passwordHash: "x" }).returning({ id: tables.users.id });
        return user!.id;
      });
    }

    it("runs concurrent transactions as if each were alone: 30 read-then-write increments lose none", async () => {
      const { database, tables } = opened;
      const id = await newUser("counter@merchant.co.id");
      await Promise.all(
        Array.from({ length: 30 }, () =>
          database.transaction(async (tx) => {
            const [row] = await tx.select({ version: tables.users.sessionVersion }).from(tables.users).where(eq(tables.users.id, id));
            // Other transactions get the event loop here, as they would during a real request.
            await yieldToOthers();
            await tx.update(tables.users).set({ sessionVersion: row!.version + 1 }).where(eq(tables.users.id, id));
          }),
        ),
      );
      const [row] = await database.read.select({ version: tables.users.sessionVersion }).from(tables.users).where(eq(tables.users.id, id));
      expect(row!.version).toBe(31);
    });

    it("a read outside a transaction sees only what was committed", async () => {
      const { database, tables } = opened;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let inserted!: () => void;
      const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
      const writing = database.transaction(async (tx) => {
        await tx.insert(tables.users).values({ name: "Budi", email: "budi@merchant.co.id", role: "staff", passwordHash: "x" });
        inserted();
        await gate;
      });
      await insertedYet;
      const during = await database.read.select({ id: tables.users.id }).from(tables.users).where(eq(tables.users.email, "budi@merchant.co.id"));
      expect(during).toEqual([]);
      release();
      await writing;
      const after = await database.read.select({ id: tables.users.id }).from(tables.users).where(eq(tables.users.email, "budi@merchant.co.id"));
      expect(after).toHaveLength(1);
    });

    it("a throw rolls the whole transaction back, and the next one runs", async () => {
      const { database, tables } = opened;
      await expect(
        database.transaction(async (tx) => {
          await tx.insert(tables.users).values({ name: "Citra", email: "citra@merchant.co.id", role: "staff", passwordHash: "x" });
          throw new Error("the check after the insert refused");
        }),
      ).rejects.toThrow("the check after the insert refused");
      expect(await database.read.select().from(tables.users)).toEqual([]);
      await newUser("dewi@merchant.co.id");
      expect(await database.read.select({ email: tables.users.email }).from(tables.users)).toEqual([{ email: "dewi@merchant.co.id" }]);
    });

    it("refuses a transaction inside another (it would wait for itself), and the outer one rolls back", async () => {
      const { database, tables } = opened;
      await expect(
        database.transaction(async (tx) => {
          await tx.insert(tables.users).values({ name: "Eko", email: "eko@merchant.co.id", role: "staff", passwordHash: "x" });
          await database.transaction(async () => undefined);
        }),
      ).rejects.toBeInstanceOf(NestedTransactionError);
      expect(await database.read.select().from(tables.users)).toEqual([]);
    });
  });
}

describe("SQLite's read connection", () => {
  it("refuses a write at once instead of waiting for the writer's lock", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cashin-appdb-"));
    const setup = openDatabase(join(dir, "app.db"));
    migrateDatabase(setup);
    await setup.close();
    const database = openSqliteAppDatabase(join(dir, "app.db"));
    try {
      await expect((database.read as unknown as Connection).insert(sqliteSchema.users).values({ name: "Fajar", email: "fajar@merchant.co.id", role: "staff", passwordHash: "x" })).rejects.toThrow(/readonly/i);
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("PostgreSQL's retries of a transaction refused for a conflict", () => {
  function fakePool(fail: (attempt: number) => unknown) {
    let attempts = 0;
    return {
      attempts: () => attempts,
      db: {
        transaction: async <T>(work: (tx: unknown) => Promise<T>) => {
          attempts++;
          await work({});
          const error = fail(attempts);
          if (error) throw error;
          return "committed" as T;
        },
        $client: { end: async () => {} },
      },
    };
  }
  const noWait = { sleep: async () => {} };

  it("tries a serialization failure (40001) or a deadlock (40P01) again until it commits", async () => {
    const pool = fakePool((attempt) => (attempt < 3 ? Object.assign(new Error("could not serialize access"), { code: attempt === 1 ? "40001" : "40P01" }) : null));
    await expect(postgresAppDatabase(pool.db, noWait).transaction(async () => "work")).resolves.toBe("committed");
    expect(pool.attempts()).toBe(3);
  });

  it("gives up after its retries and throws the refusal", async () => {
    const pool = fakePool(() => Object.assign(new Error("could not serialize access"), { code: "40001" }));
    await expect(postgresAppDatabase(pool.db, { ...noWait, retries: 4 }).transaction(async () => "work")).rejects.toThrow("could not serialize access");
    expect(pool.attempts()).toBe(5);
  });

  it("never tries other errors again (a unique index, a check in the code)", async () => {
    const pool = fakePool(() => Object.assign(new Error("duplicate key"), { code: "23505" }));
    await expect(postgresAppDatabase(pool.db, noWait).transaction(async () => "work")).rejects.toThrow("duplicate key");
    expect(pool.attempts()).toBe(1);
  });

  it("finds the code on an error Drizzle wrapped", () => {
    expect(isConflictRetryable(new Error("Failed query", { cause: Object.assign(new Error("x"), { code: "40001" }) }))).toBe(true);
    expect(isConflictRetryable(new Error("Failed query", { cause: Object.assign(new Error("x"), { code: "23505" }) }))).toBe(false);
  });
});
