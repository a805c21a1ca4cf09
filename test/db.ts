import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { migrateDatabase, openDatabase, writerOf, type Connection, type Db } from "@/db/client";
import type { Role } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { users } from "@/db/schema";

/**
 * A test's database: the app's `Db` (reads on a read-only connection, writes in awaited transactions), plus the
 * writing connection's builders so a test can lay out its fixtures in one line before it runs the code under test.
 * Domain code is typed against `Db` and cannot reach these.
 */
export type TestDb = Db & Pick<Connection, "insert" | "update" | "delete" | "run">;

/** The run's folder (test/global-setup.ts makes it and removes it when the run ends). */
const folder = inject("testDbFolder") ?? join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), `cashin-test-${randomUUID()}`);
mkdirSync(folder, { recursive: true });
let counter = 0;

/** A file name for a throw-away database, new to this run, removed when the run ends. */
export function testDbFile(): string {
  return join(folder, `${process.pid}-${++counter}.db`);
}

/** A fresh database in a throw-away file (in memory where /dev/shm is) with every migration applied. */
export function createTestDb(): TestDb {
  const db = openDatabase(testDbFile());
  migrateDatabase(db);
  return withFixtureWrites(db);
}

/** `db` plus the writing connection's builders, for a test's fixtures. */
export function withFixtureWrites(db: Db): TestDb {
  const writer = writerOf(db);
  return Object.assign(db, {
    insert: writer.insert.bind(writer),
    update: writer.update.bind(writer),
    delete: writer.delete.bind(writer),
    run: writer.run.bind(writer),
  }) as TestDb;
}

export async function insertUser(
  db: TestDb,
  user: { name?: string; email: string; role: Role; password?: string; active?: boolean },
) {
  const [user_] = await db
    .insert(users)
    .values({
      name: user.name ?? user.email.split("@")[0]!,
      email: user.email,
      role: user.role,
      active: user.active ?? true,
      passwordHash: await hashPassword(user.password ?? "correct-horse-battery"),
    })
    .returning();
  return user_!;
}
