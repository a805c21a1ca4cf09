import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratePostgres, openPostgres, pendingPostgresMigrations, type PgDb } from "@/db/pg/connect";
import * as pg from "@/db/pg/schema";
import * as sqlite from "@/db/sqlite/schema";
import { auditEntryHash, genesisHash } from "@/lib/audit/record";
import { migrateDatabase, openDatabase, type Db } from "@/db/client";
import { createTestDb, type TestDb } from "@/test/db";
import { createFreshDatabase, noPostgres } from "./pg-support";

type Shape = Record<string, { columns: Record<string, { notNull: boolean }>; indexes: Record<string, { unique: boolean }> }>;

/** Tables, their columns' nullability and their named indexes, as a migrated SQLite file has them. */
function sqliteShape(db: Db): Shape {
  const shape: Shape = {};
  const tables = db.$client
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> '__drizzle_migrations'")
    .all() as { name: string }[];
  for (const { name } of tables) {
    const columns = db.$client.prepare(`pragma table_info(${name})`).all() as { name: string; notnull: number; pk: number }[];
    const indexes = db.$client.prepare(`pragma index_list(${name})`).all() as { name: string; unique: number; origin: string }[];
    shape[name] = {
      // A primary key is never null in PostgreSQL; SQLite reports its INTEGER PRIMARY KEY as nullable.
      columns: Object.fromEntries(columns.map((c) => [c.name, { notNull: c.notnull === 1 || c.pk > 0 }])),
      // origin "pk": the primary key's own index (sqlite_autoindex_…), which PostgreSQL names <table>_pkey.
      indexes: Object.fromEntries(indexes.filter((i) => i.origin !== "pk").map((i) => [i.name, { unique: i.unique === 1 }])),
    };
  }
  return shape;
}

async function postgresShape(db: PgDb): Promise<Shape> {
  const shape: Shape = {};
  const columns = await db.$client.query<{ table_name: string; column_name: string; is_nullable: string }>(
    "select table_name, column_name, is_nullable from information_schema.columns where table_schema = 'public'",
  );
  for (const c of columns.rows) {
    shape[c.table_name] ??= { columns: {}, indexes: {} };
    shape[c.table_name]!.columns[c.column_name] = { notNull: c.is_nullable === "NO" };
  }
  const indexes = await db.$client.query<{ table: string; name: string; unique: boolean }>(
    `select t.relname as table, i.relname as name, x.indisunique as unique
       from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
       join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = 'public' and not x.indisprimary`,
  );
  for (const i of indexes.rows) shape[i.table]!.indexes[i.name] = { unique: i.unique };
  return shape;
}

const migrationCount = () => readdirSync(join(process.cwd(), "drizzle-pg")).filter((file) => file.endsWith(".sql")).length;

describe.skipIf(noPostgres)("PostgreSQL migrations (drizzle-pg/)", () => {
  let fresh: Awaited<ReturnType<typeof createFreshDatabase>>;
  let db: PgDb;
  beforeAll(async () => {
    fresh = await createFreshDatabase();
    db = openPostgres(fresh.url);
  });
  afterAll(async () => {
    await db.$client.end();
    await fresh.drop();
  });

  it("a fresh database lacks every migration, and none once migrated; migrating again changes nothing", async () => {
    expect(migrationCount()).toBeGreaterThan(0);
    expect(await pendingPostgresMigrations(db)).toBe(migrationCount());
    await migratePostgres(db);
    expect(await pendingPostgresMigrations(db)).toBe(0);
    await migratePostgres(db);
    const applied = await db.$client.query("select count(*)::int as n from drizzle.__drizzle_migrations");
    expect(applied.rows[0]).toEqual({ n: migrationCount() });
  });

  it("gives the database the tables, columns, nullability and indexes of the migrated SQLite database", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pg-parity-"));
    const file = openDatabase(join(dir, "app.db"));
    try {
      migrateDatabase(file);
      const expected = sqliteShape(file);
      expect(Object.keys(expected).length).toBeGreaterThan(20);
      expect(await postgresShape(db)).toEqual(expected);
    } finally {
      await file.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(noPostgres)("Two processes migrating one database at once", () => {
  it("both finish, and every migration is applied once", async () => {
    const fresh = await createFreshDatabase();
    const [first, second] = [openPostgres(fresh.url), openPostgres(fresh.url)];
    try {
      await Promise.all([migratePostgres(first), migratePostgres(second)]);
      expect(await pendingPostgresMigrations(first)).toBe(0);
      const applied = await first.$client.query("select count(*)::int as n from drizzle.__drizzle_migrations");
      expect(applied.rows[0]).toEqual({ n: migrationCount() });
    } finally {
      await Promise.all([first.$client.end(), second.$client.end()]);
      await fresh.drop();
    }
  });
});

describe.skipIf(noPostgres)("The migrated PostgreSQL database keeps what SQLite keeps", () => {
  let fresh: Awaited<ReturnType<typeof createFreshDatabase>>;
  let db: PgDb;
  let lite: TestDb;
  beforeAll(async () => {
    fresh = await createFreshDatabase();
    db = openPostgres(fresh.url);
    await migratePostgres(db);
    lite = await createTestDb();
  });
  afterAll(async () => {
    await lite.close();
    await db.$client.end();
    await fresh.drop();
  });

  const user = (email: string) => ({ name: "Ana", email, role: "staff" as const, passwordHash: "x" });

  it("refuses a second user whose email differs only in case, as SQLite's unique index on lower(email) does", async () => {
    await db.insert(pg.users).values(user("Ana@Example.co.id"));
    await expect(db.insert(pg.users).values(user("ana@example.CO.ID"))).rejects.toMatchObject({ cause: { code: "23505" } });
    await lite.insert(sqlite.users).values(user("Ana@Example.co.id"));
    await expect(lite.insert(sqlite.users).values(user("ana@example.CO.ID"))).rejects.toThrow(/UNIQUE constraint failed/);
  });

  it("lets an archived recipient's label be used again, and refuses it while the first is in use", async () => {
    const [maker] = await db.insert(pg.users).values(user("maker@example.co.id")).returning();
    const [inquiry] = await db
      .insert(pg.inquiries)
      .values({ userId: maker!.id, wallet: "DANA", phone: "6281200000001", amount: 50_000, reference: "INQ-1", outcome: "found" })
      .returning();
    const recipient = (phone: string) => ({
      label: "Warung Bu Sri",
      labelKey: "warung bu sri",
      wallet: "DANA" as const,
      phone,
      ownerName: "SRI",
      inquiryId: inquiry!.id,
      verifiedAt: new Date(),
      createdBy: maker!.id,
    });
    const [first] = await db.insert(pg.recipients).values(recipient("6281200000001")).returning();
    await expect(db.insert(pg.recipients).values(recipient("6281200000002"))).rejects.toMatchObject({ cause: { code: "23505" } });
    await db.update(pg.recipients).set({ archivedAt: new Date() }).where(eq(pg.recipients.id, first!.id));
    await db.insert(pg.recipients).values(recipient("6281200000002"));
    const active = await db.select().from(pg.recipients).where(and(eq(pg.recipients.labelKey, "warung bu sri")));
    expect(active.map((r) => [r.phone, r.archivedAt === null])).toEqual([
      ["6281200000001", false],
      ["6281200000002", true],
    ]);
  });

  it("reads back rupiah beyond int4 and times to the millisecond, as the numbers and Dates written", async () => {
    const [maker] = await db.insert(pg.users).values(user("amounts@example.co.id")).returning();
    const at = new Date(Date.UTC(2026, 11, 2, 6, 59, 59, 987));
    await db.insert(pg.settings).values({ key: "dailyTotalPerMaker", value: 1_000_000_000_000, updatedAt: at, updatedBy: maker!.id });
    const [row] = await db.select().from(pg.settings).where(eq(pg.settings.key, "dailyTotalPerMaker"));
    expect(row).toEqual({ key: "dailyTotalPerMaker", value: 1_000_000_000_000, updatedAt: at, updatedBy: maker!.id });
  });

  it("keeps an audit entry's before and after as written, so its hash still verifies", async () => {
    // Keys in an order jsonb would change (it sorts them by length): the hash covers JSON.stringify of what is read.
    const entry = {
      at: new Date(Date.UTC(2026, 11, 2, 7, 0, 0, 123)),
      actorId: null,
      actorEmail: "system",
      action: "transfer.settings_changed",
      targetType: "settings",
      targetId: "limits",
      before: { maxPerTransfer: 25_000_000, approvalThreshold: 5_000_000, zz: [3, 1, 2], a: { y: 1, x: 2 } },
      after: { maxPerTransfer: 1_000_000_000_000, approvalThreshold: 5_000_000, zz: [], a: null },
      ip: "203.0.113.7",
    };
    const hash = auditEntryHash(genesisHash, entry);
    await db.insert(pg.auditEntries).values({ ...entry, prevHash: genesisHash, hash });
    const [read] = await db.select().from(pg.auditEntries).where(eq(pg.auditEntries.hash, hash));
    expect(JSON.stringify(read!.before)).toBe(JSON.stringify(entry.before));
    expect(auditEntryHash(read!.prevHash, read!)).toBe(read!.hash);
  });
});
