import type { Db } from "@/db/client";
import type { User } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { findUserByEmail } from "@/lib/users/service";
import { signInAddressVerdict } from "./allow-list";
import { verifyAgainstDummy, verifyPassword } from "./password";
import { admitLoginAttempt, settleLoginAttempt } from "./throttle";

export type Authentication =
  | { ok: true; user: User }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "deactivated" }
  /** The right password from an address the sign-in allow-list does not admit for this person's role (docs/sign-in-addresses.md). */
  | { ok: false; reason: "address_refused" }
  | { ok: false; reason: "throttled"; retryAt: Date };

/**
 * Checks a sign-in. The attempt is admitted and recorded before its password is verified
 * (docs/sign-in.md#throttling), so concurrent attempts cannot check more passwords than the throttle
 * allows. An unknown e-mail and a wrong password give the same answer after the same work (an argon2
 * verification either way); a deactivated account is only named once its password is right, and so is a refusal by
 * the sign-in allow-list: that one is settled as a failure (it counts for the throttle and shows on the Sign-ins
 * page) and audited as `auth.sign_in_refused_address` with the address.
 */
export async function authenticate(
  db: Db,
  attempt: { email: string; password: string; ip: string },
  now: Date = new Date(),
): Promise<Authentication> {
  const email = attempt.email.trim().toLowerCase();
  const admission = await admitLoginAttempt(db, { email, ip: attempt.ip, at: now });
  if (!admission.admitted) return { ok: false, reason: "throttled", retryAt: admission.retryAt };
  const user = await findUserByEmail(db, email);
  const passwordMatches = user
    ? await verifyPassword(user.passwordHash, attempt.password)
    : await verifyAgainstDummy(attempt.password);
  const passed = user && passwordMatches && user.active ? user : undefined;
  const signedIn = await db.transaction(async (tx) => {
    // Read in the transaction that settles the attempt: a list saved a moment before applies.
    const verdict = passed ? await signInAddressVerdict(tx, passed.role, attempt.ip) : undefined;
    if (passed && verdict && !verdict.allowed) {
      await settleLoginAttempt(tx, admission.attemptId, "failure", { auditedByCaller: true });
      await recordAudit(tx, {
        actor: passed,
        action: "auth.sign_in_refused_address",
        target: { type: "user", id: passed.id },
        after: { address: attempt.ip, role: passed.role, reason: verdict.reason },
        ip: attempt.ip,
        at: now,
      });
      return undefined;
    }
    await settleLoginAttempt(tx, admission.attemptId, passed ? "success" : "failure");
    if (passed) await recordAudit(tx, { actor: passed, action: "auth.sign_in", target: { type: "user", id: passed.id }, ip: attempt.ip, at: now });
    return passed;
  });
  if (signedIn) return { ok: true, user: signedIn };
  if (passed) return { ok: false, reason: "address_refused" };
  return { ok: false, reason: user && passwordMatches ? "deactivated" : "invalid" };
}
