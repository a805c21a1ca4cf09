import { and, desc, eq, gte } from "drizzle-orm";
import type { Db } from "@/db/client";
import { loginAttempts } from "@/db/schema";

export const throttlePolicy = { maxFailures: 5, windowMs: 15 * 60 * 1000 } as const;

export type ThrottleState = { throttled: false } | { throttled: true; retryAt: Date };

/**
 * After 5 failed sign-ins for one e-mail or one IP within 15 minutes, further attempts are refused
 * until fewer than 5 failures remain in the window. Refused attempts are not counted as failures, so
 * a locked-out user is let in again on time however often they retry.
 */
export function throttleState(db: Db, email: string, ip: string, now: Date): ThrottleState {
  const since = new Date(now.getTime() - throttlePolicy.windowMs);
  let retryAt: Date | undefined;
  for (const key of [eq(loginAttempts.email, email), eq(loginAttempts.ip, ip)]) {
    // The 5th most recent failure in the window: the lock lifts when it leaves the window.
    const fifth = db
      .select({ at: loginAttempts.at })
      .from(loginAttempts)
      .where(and(key, eq(loginAttempts.outcome, "failure"), gte(loginAttempts.at, since)))
      .orderBy(desc(loginAttempts.at))
      .limit(1)
      .offset(throttlePolicy.maxFailures - 1)
      .get();
    if (fifth) {
      const until = new Date(fifth.at.getTime() + throttlePolicy.windowMs);
      if (!retryAt || until > retryAt) retryAt = until;
    }
  }
  return retryAt ? { throttled: true, retryAt } : { throttled: false };
}

export function recordLoginAttempt(
  db: Db,
  attempt: { email: string; ip: string; outcome: "success" | "failure" | "throttled"; at: Date },
): void {
  db.insert(loginAttempts).values(attempt).run();
}
