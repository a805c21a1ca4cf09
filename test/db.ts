import { migrateDatabase, openDatabase, type Db } from "@/db/client";
import type { Role } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { users } from "@/db/schema";

/** A fresh in-memory database with every migration applied. */
export function createTestDb(): Db {
  const db = openDatabase(":memory:");
  migrateDatabase(db);
  return db;
}

export async function insertUser(
  db: Db,
  user: { name?: string; email: string; role: Role; password?: string; active?: boolean },
) {
  return db
    .insert(users)
    .values({
      name: user.name ?? user.email.split("@")[0]!,
      email: user.email,
      role: user.role,
      active: user.active ?? true,
      passwordHash: await hashPassword(user.password ?? "correct-horse-battery"),
    })
    .returning()
    .get();
}
