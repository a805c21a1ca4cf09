import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { sessions } from "@/db/schema";

/** A new session row for a sign-in whose password was right; the cookie carries its id. */
export function startSession(db: Db, userId: number, ip: string, now: Date = new Date()): string {
  const id = randomUUID();
  db.insert(sessions).values({ id, userId, createdAt: now, ip }).run();
  return id;
}
