import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, desc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type Tx } from "@/db/client";
import { migratePostgres, openPostgres, type PgDb } from "@/db/pg/connect";
import * as pgSchema from "@/db/pg/schema";
import * as sqliteSchema from "@/db/sqlite/schema";
import { createFreshDatabase, noPostgres } from "./pg-support";

/**
 * The way issue 19's one domain code path is to work (docs/postgresql.md): domain code written once against the
 * SQLite schema's types and awaited (no `.get()`/`.all()`/`.run()`, which only SQLite's builders have), given at
 * run time either SQLite's tables and database or PostgreSQL's mirror (db/pg/schema.ts, same names, same row types).
 * Drizzle builds each query in the database's own dialect from the tables it is given; this test keeps that true
 * for the kinds of statement the domain uses, on both databases, with the same answers.
 */

type Schema = typeof sqliteSchema;

/** Written once: what a domain function looks like (an insert, a conditional update, a read, a count, an upsert). */
async function domainSteps(db: Tx, { users, workerHeartbeats }: Schema) {
  const [created] = await db.insert(users).values({ name: "Sari Wulandari", email: "sari@merchant.co.id", role: "staff", passwordHash: "x" }).returning();
  // The conditional claim the money-safety rules rest on: only one of two identical updates changes the row.
  const first = await db.update(users).set({ sessionVersion: 2 }).where(and(eq(users.id, created!.id), eq(users.sessionVersion, 1))).returning({ id: users.id });
  const second = await db.update(users).set({ sessionVersion: 2 }).where(and(eq(users.id, created!.id), eq(users.sessionVersion, 1))).returning({ id: users.id });
  const [read] = await db
    .select({ name: users.name, createdAt: users.createdAt, active: users.active, mailOff: users.mailOff, sessionVersion: users.sessionVersion })
    .from(users)
    .where(eq(users.active, true))
    .orderBy(desc(users.createdAt))
    .limit(1);
  const at = new Date("2026-12-02T03:04:05.678Z");
  for (const beatAt of [at, new Date(at.getTime() + 5_000)]) {
    await db
      .insert(workerHeartbeats)
      .values({ worker: "host/1", startedAt: at, beatAt })
      .onConflictDoUpdate({ target: workerHeartbeats.worker, set: { beatAt } });
  }
  const [beat] = await db.select({ beatAt: workerHeartbeats.beatAt, lastPassAt: workerHeartbeats.lastPassAt }).from(workerHeartbeats);
  const [{ count }] = (await db.select({ count: sql<number>`count(*)`.mapWith(Number) }).from(users)) as [{ count: number }];
  return { claimed: [first.length, second.length], read, beat, count, createdAtIsDate: created!.createdAt instanceof Date };
}

const expected = {
  claimed: [1, 0],
  read: { name: "Sari Wulandari", active: true, mailOff: [], sessionVersion: 2 },
  beat: { beatAt: new Date("2026-12-02T03:04:10.678Z"), lastPassAt: null },
  count: 1,
  createdAtIsDate: true,
};

describe("one domain code path on both databases", () => {
  it("on SQLite", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cashin-one-path-"));
    const db = openDatabase(join(dir, "app.db"));
    try {
      migrateDatabase(db);
      const answer = await db.transaction((tx) => domainSteps(tx, sqliteSchema));
      expect(answer).toMatchObject(expected);
      expect(answer.read!.createdAt).toBeInstanceOf(Date);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe.skipIf(noPostgres)("on PostgreSQL", () => {
    let fresh: Awaited<ReturnType<typeof createFreshDatabase>>;
    let db: PgDb;
    beforeAll(async () => {
      fresh = await createFreshDatabase();
      db = openPostgres(fresh.url, { max: 2 });
      await migratePostgres(db);
    });
    afterAll(async () => {
      await db?.$client.end();
      await fresh?.drop();
    });

    it("the same function, given PostgreSQL's tables, gives the same answers", async () => {
      // The only casts: PostgreSQL's database and tables stand where the domain expects SQLite's (same names and row types).
      const answer = await domainSteps(db as unknown as Tx, pgSchema as unknown as Schema);
      expect(answer).toMatchObject(expected);
      expect(answer.read!.createdAt).toBeInstanceOf(Date);
    });
  });
});
