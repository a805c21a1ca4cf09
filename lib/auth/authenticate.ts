import type { Db } from "@/db/client";
import type { User } from "@/db/schema";
import { recordAuditNow } from "@/lib/audit/record";
import { findUserByEmail } from "@/lib/users/service";
import { verifyAgainstDummy, verifyPassword } from "./password";
import { recordLoginAttempt, throttleState } from "./throttle";

export type Authentication =
  | { ok: true; user: User }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "deactivated" }
  | { ok: false; reason: "throttled"; retryAt: Date };

/**
 * Checks a sign-in. An unknown e-mail and a wrong password give the same answer after the same work
 * (an argon2 verification either way); a deactivated account is only named once its password is right.
 */
export async function authenticate(
  db: Db,
  attempt: { email: string; password: string; ip: string },
  now: Date = new Date(),
): Promise<Authentication> {
  const email = attempt.email.trim().toLowerCase();
  const throttle = throttleState(db, email, attempt.ip, now);
  if (throttle.throttled) {
    recordLoginAttempt(db, { email, ip: attempt.ip, outcome: "throttled", at: now });
    return { ok: false, reason: "throttled", retryAt: throttle.retryAt };
  }
  const user = findUserByEmail(db, email);
  const passwordMatches = user
    ? await verifyPassword(user.passwordHash, attempt.password)
    : await verifyAgainstDummy(attempt.password);
  if (!user || !passwordMatches) {
    recordLoginAttempt(db, { email, ip: attempt.ip, outcome: "failure", at: now });
    return { ok: false, reason: "invalid" };
  }
  if (!user.active) {
    recordLoginAttempt(db, { email, ip: attempt.ip, outcome: "failure", at: now });
    return { ok: false, reason: "deactivated" };
  }
  recordLoginAttempt(db, { email, ip: attempt.ip, outcome: "success", at: now });
  recordAuditNow(db, { actor: user, action: "auth.sign_in", target: { type: "user", id: user.id }, ip: attempt.ip, at: now });
  return { ok: true, user };
}
