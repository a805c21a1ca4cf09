import { randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { first, type Db } from "@/db/client";
import { sessions } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { findUserById } from "@/lib/users/service";

/** A new session row for a sign-in whose password was right; the cookie carries its id (docs/sign-in.md#sessions). */
export async function startSession(db: Db, userId: number, ip: string, now: Date = new Date()): Promise<string> {
  const id = randomUUID();
  await db.transaction(async (tx) => {
    await tx.insert(sessions).values({ id, userId, createdAt: now, ip });
  });
  return id;
}

/**
 * Revokes one session by its id (Auth.js's sign-out route, which has no request context of ours). A session
 * that is already over (its user deactivated) has nothing to revoke, as with our own sign-out.
 */
export async function endSessionById(db: Db, sessionId: string, now: Date = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await first(tx.select().from(sessions).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt))).limit(1));
    if (!row) return;
    const user = await findUserById(tx, row.userId);
    if (!user?.active) return;
    await tx.update(sessions).set({ revokedAt: now }).where(eq(sessions.id, sessionId));
    await recordAudit(tx, { actor: user, action: "auth.sign_out", target: { type: "user", id: user.id }, ip: null, at: now });
  });
}
