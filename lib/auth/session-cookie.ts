import { decode, encode, getToken, type JWT } from "next-auth/jwt";
import { authConfig, sessionLifetime } from "./auth.config";

/**
 * The session cookie read and re-issued without Auth.js's request machinery (docs/sign-in.md#sessions). Auth.js
 * writes it at sign-in and deletes it at sign-out; the proxy re-issues it on every request for another 30 minutes
 * (the idle timeout; the same token within 10 seconds, below), and pages read who is signed in from it, both in the same format and with the same rules as
 * Auth.js's own session endpoint, through its `next-auth/jwt` helpers. Going through `auth()` instead built an internal
 * request to that endpoint, ran it and re-encoded the token each time: about 5 ms of every page (the benchmark's
 * "pages" case), where decoding takes 1.
 * No database here: the proxy loads this file. Pages then check the session's row (lib/auth/session.ts).
 */

const secure = authConfig.useSecureCookies;

/** Auth.js's name for the cookie: `__Secure-` prefixed under `next start`, where cookies are secure. */
export const sessionCookieName = `${secure ? "__Secure-" : ""}authjs.session-token`;

/** The cookie's attributes, as Auth.js sets them. */
const cookieOptions = { httpOnly: true, sameSite: "lax", path: "/", secure } as const;

function secret(): string {
  const value = process.env.AUTH_SECRET;
  if (!value) throw new Error("AUTH_SECRET is not set");
  return value;
}

/** What the cookie says about the session: who, which session row, and since when. */
export type SessionClaims = Pick<JWT, "uid" | "sv" | "sid" | "sat">;

/** The cookie in a Cookie header, whole or in Auth.js's numbered chunks. */
const cookiePattern = new RegExp(`(?:^|;)\\s*${sessionCookieName.replace(/[.]/g, "\\.")}(?:\\.\\d+)?=`);

function hasSessionCookie(cookieHeader: string | null): boolean {
  return cookieHeader !== null && cookiePattern.test(cookieHeader);
}

/** Only the Cookie header: a bearer token in an Authorization header is not a session of ours. */
const cookieOnly = (cookieHeader: string | null) => ({ headers: { cookie: cookieHeader ?? "" } });

/**
 * Tokens already opened, or sealed here, with what they hold (docs/sign-in.md#sessions): opening one takes a key
 * derivation and three WebCrypto calls, each a trip through the thread pool, about 5 ms inside a page's render; the proxy
 * and the page read the same cookie, and the next request brings back the token the proxy sealed. Keyed by the whole
 * token, which only AUTH_SECRET can seal: a forged one never gets in. The expiry is checked again on each read (the
 * session's rules below too), so a token is no more valid for being here; the oldest go first past 5,000. On globalThis,
 * as the proxy and the pages are separate bundles of one process.
 */
const openedKey = Symbol.for("cashin-payouts.openedSessionTokens");
const opened: Map<string, JWT> = ((globalThis as { [openedKey]?: Map<string, JWT> })[openedKey] ??= new Map());
const openedAtMost = 5_000;

/** Sets `key` in a remembering map, the oldest entry going first past 5,000. */
function keep<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= openedAtMost) map.delete(map.keys().next().value!);
  map.set(key, value);
}

function remember(token: string, payload: JWT): void {
  keep(opened, token, payload);
}

async function open(token: string): Promise<JWT | null> {
  let payload = opened.get(token);
  if (!payload) {
    // Outside the try: without AUTH_SECRET this is the server's fault, not the cookie's.
    const key = secret();
    try {
      payload = (await decode({ token, secret: key, salt: sessionCookieName })) ?? undefined;
    } catch {
      return null;
    }
    if (!payload) return null;
    remember(token, payload);
  }
  // jose checks the expiry when it opens a token; a remembered one is checked here.
  return typeof payload.exp === "number" && payload.exp * 1000 > Date.now() ? payload : null;
}

/**
 * The session's claims from a request's Cookie header, or null: no cookie, one that does not decrypt with AUTH_SECRET
 * (forged, or from before the secret changed), one past its 30 idle minutes, or one 8 hours after its sign-in (the rule
 * of `authConfig.callbacks.jwt`, applied here as Auth.js applies it).
 */
export async function readSessionCookie(cookieHeader: string | null): Promise<(JWT & SessionClaims) | null> {
  if (!hasSessionCookie(cookieHeader)) return null;
  // The token as Auth.js reads it from the header (whole, or joined from its chunks), opened here.
  const token = await getToken({ req: cookieOnly(cookieHeader), secureCookie: secure, cookieName: sessionCookieName, raw: true });
  const payload = token ? await open(token) : null;
  if (!payload) return null;
  const kept = authConfig.callbacks.jwt({ token: payload } as Parameters<typeof authConfig.callbacks.jwt>[0]);
  if (!kept || !Number.isSafeInteger(kept.uid) || typeof kept.sid !== "string" || typeof kept.sv !== "number") return null;
  return kept;
}

/**
 * One cookie, whole: the token (~600 bytes) is far from the 4 KB past which Auth.js splits it into numbered chunks, which
 * are read above but never written here.
 */
export type CookieToSet = { name: string; value: string; options: typeof cookieOptions & { expires: Date } };

/** The Set-Cookie header's value for `cookie` (the value is base64url, or empty: nothing to escape). */
export function setCookieHeader({ name, value, options }: CookieToSet): string {
  return [`${name}=${value}`, `Path=${options.path}`, `Expires=${options.expires.toUTCString()}`, "HttpOnly", ...(options.secure ? ["Secure"] : []), "SameSite=Lax"].join("; ");
}

/**
 * A session's requests within the same 10 seconds get the same re-issued token: sealing one is a key derivation, a
 * digest and an encryption, about 1.5 ms of each request, and a page's navigation sends several requests at once. Its
 * expiry is counted from the start of those 10 seconds, so a session ends between 29 min 50 s and 30 min after its last
 * request. Keyed by the claims and the window; the oldest go first past 5,000.
 */
const reissueWindowSeconds = 10;
const reissuedKey = Symbol.for("cashin-payouts.reissuedSessionTokens");
const reissued: Map<string, string> = ((globalThis as { [reissuedKey]?: Map<string, string> })[reissuedKey] ??= new Map());

/**
 * Who is signed in and the cookie to answer with: the same claims for another 30 minutes, or, for a cookie that is
 * there but no longer a session, an empty one that deletes it. Nothing to set when the request has no cookie.
 */
export async function renewSessionCookie(cookieHeader: string | null): Promise<{ claims: SessionClaims | null; cookie: CookieToSet | null }> {
  const claims = await readSessionCookie(cookieHeader);
  if (!claims) {
    return { claims: null, cookie: hasSessionCookie(cookieHeader) ? { name: sessionCookieName, value: "", options: { ...cookieOptions, expires: new Date(0) } } : null };
  }
  // One clock, the one encode reads too.
  const nowSeconds = Math.floor(Date.now() / 1000);
  const exp = nowSeconds - (nowSeconds % reissueWindowSeconds) + sessionLifetime.idleSeconds;
  // What Auth.js wrote at sign-in, as it was (encode sets the times and the token's id anew).
  const { iat: _iat, exp: _exp, jti: _jti, ...session } = claims;
  const key = `${JSON.stringify(session)} ${exp}`;
  let value = reissued.get(key);
  if (!value) {
    // encode counts the expiry from its own clock: given what is left of ours, the token's is ours or a second later.
    value = await encode({ token: session, secret: secret(), salt: sessionCookieName, maxAge: exp - nowSeconds });
    // Remembered with our expiry, never later than the token's own: the next request brings it back.
    remember(value, { ...session, exp });
    keep(reissued, key, value);
  }
  return { claims: session, cookie: { name: sessionCookieName, value, options: { ...cookieOptions, expires: new Date(exp * 1000) } } };
}
