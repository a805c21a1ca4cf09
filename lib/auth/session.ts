import "server-only";
import { forbidden, redirect } from "next/navigation";
import { headers } from "next/headers";
import { cache } from "react";
import { and, eq, isNull, sql } from "drizzle-orm";
import { db, first, type DbOrTx } from "@/db/client";
import { sessions, users, type Role, type SessionRow, type User } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { findUserById } from "@/lib/users/service";
import { sessionLifetime } from "./auth.config";
import { readSessionCookie, type SessionClaims } from "./session-cookie";
import { findSecondFactor, isEnrolled, secondFactorRequired, secondFactorRequiredForAll, totpPolicy } from "./second-factor";

/** What a signed-in person must still do before any page: prove the second factor, change a temporary password, enrol. */
export type SignInStep = "code" | "password" | "enrol";

export type SessionCheck =
  | { status: "ok"; user: User; session: SessionRow }
  | { status: "incomplete"; user: User; session: SessionRow; next: SignInStep }
  | { status: "anonymous" }
  | { status: "ended"; reason: "deactivated" | "revoked" | "expired" };

/**
 * The signed-in user as the database knows them now: a session whose user was deactivated, whose password
 * was reset since it began, that was signed out, or that is older than 8 hours is over at once whatever its
 * cookie says. A session that proved only the password can reach the sign-in steps and nothing else.
 * Read once per request (the layout, the page and its actions share the answer), from the cookie as Auth.js reads it.
 */
export const checkSession = cache(async (): Promise<SessionCheck> => checkSessionOf(await requestSession()));

/** What the request's session cookie says (who, which session row, since when), or null. */
export async function requestSession(): Promise<SessionClaims | null> {
  return readSessionCookie((await headers()).get("cookie"));
}

/**
 * The same check for a session already read (sign-out needs its id afterwards). `conn`: a transaction's `tx` when
 * the answer decides what that transaction writes (sign-out).
 */
export async function checkSessionOf(session: SessionClaims | null, now: Date = new Date(), conn: DbOrTx = db()): Promise<SessionCheck> {
  if (!session) return { status: "anonymous" };
  const id = session.uid;
  // Signed out: the cookie may still come back (a copy, or a request that was in flight), but not the session.
  const row = await first(conn.select().from(sessions).where(eq(sessions.id, session.sid)).limit(1));
  if (!row || row.revokedAt || row.userId !== id) return { status: "anonymous" };
  if (now.getTime() - row.createdAt.getTime() > sessionLifetime.absoluteMs) return { status: "ended", reason: "expired" };
  const user = await findUserById(conn, id);
  if (!user) return { status: "ended", reason: "revoked" };
  if (!user.active) return { status: "ended", reason: "deactivated" };
  if (user.sessionVersion !== session.sv) return { status: "ended", reason: "revoked" };
  const next = await pendingStep(conn, user, row);
  return next ? { status: "incomplete", user, session: row, next } : { status: "ok", user, session: row };
}

/**
 * The order matters: a person who has a factor proves it before anything else (an admin's temporary
 * password alone must not let someone in who lacks the phone), then changes a temporary password, then enrols.
 */
async function pendingStep(conn: DbOrTx, user: User, session: SessionRow): Promise<SignInStep | null> {
  const factor = await findSecondFactor(conn, user.id);
  const enrolled = isEnrolled(factor);
  if (enrolled && !session.secondFactorAt) return "code";
  if (user.temporaryPasswordExpiresAt) return "password";
  if (!enrolled && secondFactorRequired(user.role, false, await secondFactorRequiredForAll(conn))) return "enrol";
  return null;
}

/** When the step-up proof of this session runs out (epoch ms), or 0 when it has none. */
export function stepUpFreshUntil(session: SessionRow): number {
  return session.secondFactorAt ? session.secondFactorAt.getTime() + totpPolicy.stepUpMs : 0;
}

const stepPaths: Record<SignInStep, string> = { code: "/login/code", password: "/login/password", enrol: "/login/enrol" };

/** The page of a sign-in step, bringing the person back to `path` afterwards. */
export function signInStepUrl(step: SignInStep, path: string): string {
  return `${stepPaths[step]}?${new URLSearchParams({ callbackUrl: path })}`;
}

async function requestPath(): Promise<string> {
  return (await headers()).get("x-request-path") ?? "/";
}

/** Where to send a person whose session is missing or over, so that signing in brings them back. */
export async function signInUrl(reason: "expired" | "deactivated" | "revoked"): Promise<string> {
  return `/login?${new URLSearchParams({ reason, callbackUrl: await requestPath() })}`;
}

/** Redirects away unless the session is complete: to sign-in, or to the step still to do. */
export async function requireSession(): Promise<{ user: User; session: SessionRow }> {
  const check = await checkSession();
  if (check.status === "anonymous") redirect(await signInUrl("expired"));
  if (check.status === "ended") redirect(await signInUrl(check.reason === "expired" ? "expired" : check.reason));
  if (check.status === "incomplete") redirect(signInStepUrl(check.next, await requestPath()));
  return { user: check.user, session: check.session };
}

/** For pages: the current user, or a redirect to sign-in, or a 403 when the role may not see this page. */
export async function requireUser(roles?: readonly Role[]): Promise<User> {
  const { user } = await requireSession();
  if (roles && !roles.includes(user.role)) forbidden();
  return user;
}

/**
 * Signing out: the session is revoked on the server (and audited), so it stays over even if its cookie is
 * sent again. A session that is already over has nothing to revoke.
 */
export async function revokeSession(session: SessionClaims | null, ip: string): Promise<void> {
  if (!session) return;
  await db().transaction(async (tx) => {
    // Checked in the transaction that revokes: a session ended a moment before has nothing left to revoke or audit.
    const check = await checkSessionOf(session, new Date(), tx);
    if (check.status !== "ok" && check.status !== "incomplete") return;
    const { user } = check;
    await tx.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, session.sid));
    await recordAudit(tx, { actor: user, action: "auth.sign_out", target: { type: "user", id: user.id }, ip });
  });
}

/** Every session of the user ends: this one, other browsers, and any copied cookie. */
export async function revokeAllSessions(user: User, ip: string): Promise<void> {
  await db().transaction(async (tx) => {
    await tx.update(sessions).set({ revokedAt: new Date() }).where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt)));
    // Moved on from the version stored now, not the one read before the transaction: a change in between is not undone.
    await tx.update(users).set({ sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() }).where(eq(users.id, user.id));
    await recordAudit(tx, { actor: user, action: "auth.sign_out_everywhere", target: { type: "user", id: user.id }, ip });
  });
}

/**
 * For the pages of the sign-in steps: the person when `step` is theirs to do now (or, with `allowComplete`,
 * when they are fully signed in, as for a staff member enrolling from My account); otherwise a redirect to
 * where they belong.
 */
export async function requireSignInStep(step: SignInStep, callbackUrl: string, { allowComplete = false } = {}): Promise<{ user: User; session: SessionRow }> {
  const check = await checkSession();
  if (check.status === "anonymous" || check.status === "ended") redirect("/login?reason=expired");
  if (check.status === "ok") {
    if (allowComplete) return check;
    redirect(callbackUrl);
  }
  if (check.next !== step) redirect(signInStepUrl(check.next, callbackUrl));
  return check;
}
