import "server-only";
import { forbidden, redirect } from "next/navigation";
import { headers } from "next/headers";
import { cache } from "react";
import { auth } from "@/lib/auth/nextauth";
import { eq } from "drizzle-orm";
import type { Session } from "next-auth";
import { db } from "@/db/client";
import { sessions, type Role, type User } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { findUserById } from "@/lib/users/service";

export type SessionCheck =
  | { status: "ok"; user: User }
  | { status: "anonymous" }
  | { status: "ended"; reason: "deactivated" | "revoked" };

/**
 * The signed-in user as the database knows them now: a session whose user was deactivated, or whose
 * password was reset since it began, is over at once whatever its cookie says. Read once per request
 * (the layout, the page and its actions share the answer).
 */
export const checkSession = cache(async (): Promise<SessionCheck> => checkSessionOf(await auth()));

/** The same check for a session already read (sign-out needs its id afterwards). */
export function checkSessionOf(session: Session | null): SessionCheck {
  const id = Number(session?.user?.id);
  if (!session || !Number.isSafeInteger(id)) return { status: "anonymous" };
  // Signed out: the cookie may still come back (a copy, or a request that was in flight), but not the session.
  const row = session.sessionId ? db().select().from(sessions).where(eq(sessions.id, session.sessionId)).get() : undefined;
  if (!row || row.revokedAt || row.userId !== id) return { status: "anonymous" };
  const user = findUserById(db(), id);
  if (!user) return { status: "ended", reason: "revoked" };
  if (!user.active) return { status: "ended", reason: "deactivated" };
  if (user.sessionVersion !== session.sessionVersion) return { status: "ended", reason: "revoked" };
  return { status: "ok", user };
}

/** Where to send a person whose session is missing or over, so that signing in brings them back. */
export async function signInUrl(reason: "expired" | "deactivated" | "revoked"): Promise<string> {
  const path = (await headers()).get("x-request-path") ?? "/";
  return `/login?${new URLSearchParams({ reason, callbackUrl: path })}`;
}

/** For pages: the current user, or a redirect to sign-in, or a 403 when the role may not see this page. */
export async function requireUser(roles?: readonly Role[]): Promise<User> {
  const check = await checkSession();
  if (check.status === "anonymous") redirect(await signInUrl("expired"));
  if (check.status === "ended") redirect(await signInUrl(check.reason));
  if (roles && !roles.includes(check.user.role)) forbidden();
  return check.user;
}

/**
 * Signing out: the session is revoked on the server (and audited), so it stays over even if its cookie is
 * sent again. A session that is already over has nothing to revoke.
 */
export async function revokeSession(session: Session | null, ip: string): Promise<void> {
  const check = checkSessionOf(session);
  if (check.status !== "ok" || !session?.sessionId) return;
  const { user } = check;
  db().transaction((tx) => {
    tx.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, session.sessionId!)).run();
    recordAudit(tx, { actor: user, action: "auth.sign_out", target: { type: "user", id: user.id }, ip });
  });
}
