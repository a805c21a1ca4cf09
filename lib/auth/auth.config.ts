import type { NextAuthConfig } from "next-auth";

/**
 * The part of the Auth.js setup that the proxy also loads (through lib/auth/session-cookie.ts): no database, no native
 * modules. The proxy only re-issues the cookie; pages and actions re-read the user from the database.
 */

/**
 * docs/sign-in.md#sessions: a session ends 8 hours after the password was proved whatever happens, and
 * after 30 minutes without a request (every request re-issues the cookie for another 30 minutes, counted from the start of
 * the 10 seconds it falls in: lib/auth/session-cookie.ts).
 */
export const sessionLifetime = { absoluteMs: 8 * 60 * 60 * 1000, idleSeconds: 30 * 60 } as const;

export const authConfig = {
  pages: { signIn: "/login" },
  session: { strategy: "jwt", maxAge: sessionLifetime.idleSeconds },
  jwt: { maxAge: sessionLifetime.idleSeconds },
  // No `trustHost`: the origin comes from AUTH_URL (docs/sign-in.md#client-address), never from a Host or
  // X-Forwarded-Host header a client could choose. Every `next start` of ours sets AUTH_URL.
  // Secure cookies under `next start` (browsers accept them on http://localhost too); dev keeps plain ones.
  useSecureCookies: process.env.NODE_ENV === "production",
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = Number(user.id);
        token.sv = user.sessionVersion;
        // Names this session's row (lib/auth/sessions.ts), so signing out can revoke exactly it on the server.
        token.sid = user.sessionId;
        token.sat = Date.now();
      }
      // Re-issued on every request, but never past 8 hours from the sign-in: then the cookie is dropped.
      if (typeof token.sat !== "number" || Date.now() - token.sat > sessionLifetime.absoluteMs) return null;
      return token;
    },
    session({ session, token }) {
      session.user.id = String(token.uid);
      session.sessionVersion = token.sv;
      session.sessionId = token.sid;
      return session;
    },
  },
} satisfies NextAuthConfig;
