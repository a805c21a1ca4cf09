import { NextResponse, type NextRequest } from "next/server";
import { renewSessionCookie, setCookieHeader } from "@/lib/auth/session-cookie";
import { log, stampRequestId, withRequestContext } from "@/lib/log";
import { contentSecurityPolicy, newNonce } from "@/lib/security/csp";

// Every request re-issues the session cookie for another 30 minutes (the idle timeout, docs/sign-in.md#sessions) and
// deletes one that is no longer a session. It is not a gate: pages and actions read the session themselves, check its row,
// the user and the role on the server, and send a person without one to sign in; they get the requested path from a
// header so an ended session can return to it. Every response gets a Content-Security-Policy with a fresh nonce, which
// Next.js reads from the request to mark its scripts, and a fresh request id that actions, logs and error references
// carry (docs/monitoring.md#logs): one line per request, with the pathname only (a query can hold a phone number), never
// a body, a cookie or another header.
export default async function proxy(request: NextRequest): Promise<NextResponse> {
  const csp = contentSecurityPolicy(newNonce(), { dev: process.env.NODE_ENV !== "production" });
  const headers = new Headers(request.headers);
  const requestId = stampRequestId(headers);
  // Auth.js's own routes (sign-in, sign-out) write the cookie themselves.
  const { claims, cookie } = request.nextUrl.pathname.startsWith("/api/auth/") ? { claims: null, cookie: null } : await renewSessionCookie(request.headers.get("cookie"));
  withRequestContext({ requestId, userId: claims ? String(claims.uid) : undefined }, () => log().info({ method: request.method, path: request.nextUrl.pathname }, "request"));
  headers.set("x-request-path", request.nextUrl.pathname + request.nextUrl.search);
  headers.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", csp);
  response.headers.set("X-Request-Id", requestId);
  // A plain header, not response.cookies: cookies set that way are also handed to the request (x-middleware-set-cookie),
  // which a server action takes for a cookie it changed itself, and answers with its page rendered again (the recovery
  // codes of enrolment gave way to My account at once).
  if (cookie) response.headers.append("Set-Cookie", setCookieHeader(cookie));
  return response;
}

// /api/badges is left out: browsers poll it every few seconds, and through the proxy each poll would re-issue the
// session cookie, so an unattended browser would never reach the 30-minute idle end (docs/notifications.md#in-the-app).
// The route checks the session itself, and answers JSON only (no page, no scripts to mark).
// /api/v1 is left out too: its requests carry an API key, never a session, and its route handlers stamp their own request
// id and log; through the proxy Next.js would read a whole upload into memory before the route's 1 MB limit could stop
// it (docs/api.md#requests).
export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg|api/badges$|api/v1/).*)"],
};
