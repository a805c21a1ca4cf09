import type { Db } from "@/db/client";
import type { User } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { findUserByEmail } from "@/lib/users/service";
import { verifyAgainstDummy, verifyPassword } from "./password";
import { admitLoginAttempt, settleLoginAttempt } from "./throttle";

export type Authentication =
  | { ok: true; user: User }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "deactivated" }
  | { ok: false; reason: "throttled"; retryAt: Date };

/**
 * Checks a sign-in. The attempt is admitted and recorded before its password is verified
 * (docs/sign-in.md#throttling), so concurrent attempts cannot check more passwords than the throttle
 * allows. An unknown e-mail and a wrong password give the same answer after the same work (an argon2
 * verification either way); a deactivated account is only named once its password is right.
 */
export async function authenticate(
  db: Db,
  attempt: { email: string; password: string; ip: string },
  now: Date = new Date(),
): Promise<Authentication> {
  const email = attempt.email.trim().toLowerCase();
  const admission = admitLoginAttempt(db, { email, ip: attempt.ip, at: now });
  if (!admission.admitted) return { ok: false, reason: "throttled", retryAt: admission.retryAt };
  const user = findUserByEmail(db, email);
  const passwordMatches = user
    ? await verifyPassword(user.passwordHash, attempt.password)
    : await verifyAgainstDummy(attempt.password);
  const signedIn = user && passwordMatches && user.active ? user : undefined;
  db.transaction(
    (tx) => {
      settleLoginAttempt(tx, admission.attemptId, signedIn ? "success" : "failure");
      if (signedIn) recordAudit(tx, { actor: signedIn, action: "auth.sign_in", target: { type: "user", id: signedIn.id }, ip: attempt.ip, at: now });
    },
    { behavior: "immediate" },
  );
  if (signedIn) return { ok: true, user: signedIn };
  return { ok: false, reason: user && passwordMatches ? "deactivated" : "invalid" };
}
