import "server-only";
import { and, count, eq, gt, gte, inArray, lt, max, ne, type SQL } from "drizzle-orm";
import { first, type Db, type DbOrTx, type Tx } from "@/db/client";
import { loginAttempts } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { signInEnv } from "@/lib/env";

/*
 * Sign-in throttling (docs/sign-in.md#throttling): growing delays, never a lock-out. Each key gets a few
 * free failures; after them the next attempt must wait a delay that doubles with every further failure,
 * up to a cap. A refused attempt is recorded as "throttled" and counts for nothing, so whoever waits the
 * delay is let in with the right password however often someone else tried.
 */

const second = 1000;
const minute = 60 * second;

export type DelayRule = { freeFailures: number; maxDelayMs: number };

export const throttleRules = {
  /** One address guessing one account's password. */
  pair: { freeFailures: 5, maxDelayMs: 15 * minute },
  /** One address trying many accounts. */
  address: { freeFailures: 20, maxDelayMs: 15 * minute },
  /** One account guessed from many addresses: capped low, so that nobody can keep its owner out for long. */
  email: { freeFailures: 10, maxDelayMs: 60 * second },
} as const satisfies Record<string, DelayRule>;

/** Failures older than this are forgotten; for the e-mail's keys, so are those before its last success. */
export const throttleWindowMs = 60 * minute;

/** The wait after `failures` counted failures: none while they are free, then base, 2 × base, 4 × base… up to the cap. */
export function delayAfter(failures: number, rule: DelayRule, baseDelayMs: number): number {
  if (failures < rule.freeFailures) return 0;
  return Math.min(rule.maxDelayMs, baseDelayMs * 2 ** Math.min(failures - rule.freeFailures, 30));
}

export type ThrottleState = { throttled: false } | { throttled: true; retryAt: Date };

/** Failed and still-running attempts of one key in the window: a pending attempt counts as a failure until it is settled. */
async function failuresOf(db: DbOrTx, key: SQL, since: Date, { sinceLastSuccess }: { sinceLastSuccess: boolean }) {
  const lastSuccess = sinceLastSuccess
    ? (await first(db.select({ at: max(loginAttempts.at) }).from(loginAttempts).where(and(key, eq(loginAttempts.outcome, "success")))))?.at
    : null;
  const row = await first(
    db
      .select({ failures: count(), lastAt: max(loginAttempts.at) })
      .from(loginAttempts)
      .where(
        and(
          key,
          inArray(loginAttempts.outcome, ["pending", "failure"]),
          gte(loginAttempts.at, since),
          lastSuccess ? gt(loginAttempts.at, lastSuccess) : undefined,
        ),
      ),
  );
  return row!;
}

/**
 * Whether a sign-in for this e-mail from this address must wait now, and until when: the latest time any
 * of its three keys (the pair, the address, the e-mail) asks for. Read inside the transaction that records
 * the attempt (`admitLoginAttempt`), and by the sign-in form to say when to try again.
 */
export async function throttleState(db: DbOrTx, email: string, ip: string, now: Date): Promise<ThrottleState> {
  const normalized = email.trim().toLowerCase();
  const since = new Date(now.getTime() - throttleWindowMs);
  const baseDelayMs = signInEnv().SIGN_IN_DELAY_MS;
  const keys = [
    { rule: throttleRules.pair, key: and(eq(loginAttempts.email, normalized), eq(loginAttempts.ip, ip))!, sinceLastSuccess: true },
    { rule: throttleRules.address, key: eq(loginAttempts.ip, ip), sinceLastSuccess: false },
    { rule: throttleRules.email, key: eq(loginAttempts.email, normalized), sinceLastSuccess: true },
  ];
  let retryAt: Date | undefined;
  for (const { rule, key, sinceLastSuccess } of keys) {
    const { failures, lastAt } = await failuresOf(db, key, since, { sinceLastSuccess });
    if (!lastAt) continue;
    const until = new Date(lastAt.getTime() + delayAfter(failures, rule, baseDelayMs));
    if (until > now && (!retryAt || until > retryAt)) retryAt = until;
  }
  return retryAt ? { throttled: true, retryAt } : { throttled: false };
}

export type Admission = { admitted: true; attemptId: number } | { admitted: false; retryAt: Date };

/**
 * Decides whether an attempt may check its password and records it, in one immediate transaction: an
 * admitted attempt is stored as "pending" before any password is verified, so concurrent attempts (from
 * this process or another) each see the ones before them and no more passwords are checked than the
 * rules allow. Settle it with `settleLoginAttempt`.
 */
export function admitLoginAttempt(db: Db, attempt: { email: string; ip: string; at: Date }): Promise<Admission> {
  return db.transaction(async (tx): Promise<Admission> => {
    const state = await throttleState(tx, attempt.email, attempt.ip, attempt.at);
    const outcome = state.throttled ? "throttled" : "pending";
    const row = (await tx.insert(loginAttempts).values({ ...attempt, outcome }).returning())[0]!;
    if (!state.throttled) return { admitted: true, attemptId: row.id };
    await auditFirstInMinute(tx, row);
    return { admitted: false, retryAt: state.retryAt };
  });
}

/**
 * The answer of an admitted attempt; call it inside the transaction that records what follows from it. `auditedByCaller`:
 * a failure the caller writes its own audit entry for (a right password from an address the allow-list refuses).
 */
export async function settleLoginAttempt(tx: Tx, attemptId: number, outcome: "success" | "failure", { auditedByCaller = false } = {}): Promise<void> {
  const row = await first(
    tx
      .update(loginAttempts)
      .set({ outcome })
      .where(and(eq(loginAttempts.id, attemptId), eq(loginAttempts.outcome, "pending")))
      .returning(),
  );
  if (row && outcome === "failure" && !auditedByCaller) await auditFirstInMinute(tx, row);
}

const auditActions = { failure: "auth.sign_in_failed", throttled: "auth.sign_in_throttled" } as const;

/**
 * Failed and refused sign-ins reach the audit trail grouped per e-mail, address and minute: the first of
 * each group writes one entry, the count stays in login_attempts (the admin's Sign-ins page shows it), so a
 * burst of guesses cannot flood the trail.
 */
async function auditFirstInMinute(
  tx: Tx,
  attempt: { id: number; email: string; ip: string; at: Date; outcome: (typeof loginAttempts.$inferSelect)["outcome"] },
): Promise<void> {
  if (attempt.outcome !== "failure" && attempt.outcome !== "throttled") return;
  const minuteStart = Math.floor(attempt.at.getTime() / minute) * minute;
  const earlier = await first(
    tx
      .select({ id: loginAttempts.id })
      .from(loginAttempts)
      .where(
        and(
          eq(loginAttempts.email, attempt.email),
          eq(loginAttempts.ip, attempt.ip),
          eq(loginAttempts.outcome, attempt.outcome),
          gte(loginAttempts.at, new Date(minuteStart)),
          lt(loginAttempts.at, new Date(minuteStart + minute)),
          ne(loginAttempts.id, attempt.id),
        ),
      )
      .limit(1),
  );
  if (earlier) return;
  await recordAudit(tx, {
    actor: null,
    action: auditActions[attempt.outcome],
    target: { type: "email", id: attempt.email },
    ip: attempt.ip,
    at: attempt.at,
  });
}
