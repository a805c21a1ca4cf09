import { and, eq, isNull, ne } from "drizzle-orm";
import type { Db } from "@/db/client";
import { sessions, users, type User } from "@/db/schema";
import { recordAudit, recordAuditNow } from "@/lib/audit/record";
import { msg } from "@/lib/i18n/translate";
import { fail, ok, type ActionResult } from "@/lib/result";
import { hashPassword, verifyPassword } from "./password";
import { passwordProblem } from "./password-strength";

/**
 * A person changes their own password (docs/sign-in.md#passwords): the current one is required, the new one
 * must be strong and different. A temporary password stops being temporary. Every other session of the
 * person ends; this one goes on.
 */
export async function changeOwnPassword(
  ctx: { db: Db; user: User; sessionId: string; ip: string | null },
  input: { currentPassword: string; newPassword: string },
): Promise<ActionResult<null>> {
  const { db, user, ip } = ctx;
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await recordAuditNow(db, { actor: user, action: "auth.password_change_refused", target: { type: "user", id: user.id }, after: { reason: "wrong_current_password" }, ip });
    const wrong = msg("server.users.field.currentPasswordWrong");
    return fail("invalid", wrong, { currentPassword: [wrong] });
  }
  if (input.newPassword === input.currentPassword) {
    const same = msg("server.auth.password.sameAsCurrent");
    return fail("invalid", same, { newPassword: [same] });
  }
  const problem = passwordProblem(input.newPassword, [user.email, user.name]);
  if (problem) return fail("invalid", problem, { newPassword: [problem] });
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction(
    async (tx) => {
      const now = new Date();
      // The hash read before the await must still be the current one: a concurrent change wins once.
      const changed = await tx
        .update(users)
        .set({ passwordHash, temporaryPasswordExpiresAt: null, updatedAt: now })
        .where(and(eq(users.id, user.id), eq(users.passwordHash, user.passwordHash)))
        .returning({ id: users.id });
      if (changed.length !== 1) return fail("conflict", msg("server.auth.password.changedElsewhere"));
      await tx
        .update(sessions)
        .set({ revokedAt: now })
        .where(and(eq(sessions.userId, user.id), ne(sessions.id, ctx.sessionId), isNull(sessions.revokedAt)));
      await recordAudit(tx, {
        actor: user,
        action: "auth.password_changed",
        target: { type: "user", id: user.id },
        after: { wasTemporary: user.temporaryPasswordExpiresAt !== null },
        ip,
        at: now,
      });
      return ok(null, msg("server.auth.password.changed"));
    },
  );
}
