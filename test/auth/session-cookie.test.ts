import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { decode, encode } from "next-auth/jwt";
import { sessionLifetime } from "@/lib/auth/auth.config";
import { readSessionCookie, renewSessionCookie, sessionCookieName, setCookieHeader } from "@/lib/auth/session-cookie";

/**
 * docs/sign-in.md#sessions: the proxy re-issues the session cookie for another 30 minutes on every request (the same
 * token for a session's requests within 10 seconds) and
 * deletes one that is no longer a session; pages read who is signed in from it. Cookies here are made as Auth.js
 * makes them at sign-in (next-auth/jwt's encode, the cookie's name as salt).
 */

const secret = "test-secret-of-at-least-32-characters-0123";
const salt = sessionCookieName;
const claims = { uid: 7, sv: 2, sid: "row-7", sat: Date.now() - 60_000 };

const signedIn = (token: Record<string, unknown> = claims, options: { secret?: string; maxAge?: number } = {}) =>
  encode({ token, secret: options.secret ?? secret, salt, maxAge: options.maxAge ?? sessionLifetime.idleSeconds });
const header = (value: string, others = "locale=en") => `${others}; ${sessionCookieName}=${value}`;

beforeEach(() => vi.stubEnv("AUTH_SECRET", secret));
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

describe("Reading the session cookie", () => {
  it("answers the claims Auth.js wrote at sign-in", async () => {
    expect(await readSessionCookie(header(await signedIn()))).toMatchObject(claims);
  });

  it("answers null without the cookie, and for a token that is only in an Authorization header", async () => {
    expect(await readSessionCookie(null)).toBeNull();
    expect(await readSessionCookie("locale=en")).toBeNull();
    // A cookie whose name merely ends like the session's is not it.
    expect(await readSessionCookie(`x-${sessionCookieName}=${await signedIn()}`)).toBeNull();
  });

  it("refuses a token sealed with another secret, one past its 30 idle minutes, and one 8 hours after its sign-in", async () => {
    expect(await readSessionCookie(header(await signedIn(claims, { secret: "another-secret-of-at-least-32-characters-0" })))).toBeNull();
    expect(await readSessionCookie(header(await signedIn(claims, { maxAge: -60 })))).toBeNull();
    expect(await readSessionCookie(header(await signedIn({ ...claims, sat: Date.now() - sessionLifetime.absoluteMs - 1000 })))).toBeNull();
    expect(await readSessionCookie(header(await signedIn({ uid: 7, sv: 2, sid: "row-7" })))).toBeNull();
    expect(await readSessionCookie(header("not-a-token"))).toBeNull();
  });
});

describe("Re-issuing the session cookie on a request", () => {
  it("gives the same session another 30 minutes, keeping its sign-in time", async () => {
    const sent = header(await signedIn(claims, { maxAge: 60 }));
    const before = Date.now();
    const { claims: read, cookie } = await renewSessionCookie(sent);
    const after = Date.now();
    expect(read).toMatchObject(claims);
    expect(cookie).toMatchObject({ name: sessionCookieName, options: { httpOnly: true, sameSite: "lax", path: "/" } });
    // 30 minutes from the start of the 10 seconds this request falls in.
    const expires = cookie!.options.expires.getTime();
    expect(expires).toBeLessThanOrEqual(after + sessionLifetime.idleSeconds * 1000);
    expect(expires).toBeGreaterThan(before + sessionLifetime.idleSeconds * 1000 - 10_000);
    const renewed = await decode({ token: cookie!.value, secret, salt });
    expect(renewed).toMatchObject(claims);
    // The token's own expiry moves too (a copy of the old cookie still dies at its own), and is not before the cookie's.
    expect(renewed!.exp! * 1000).toBeGreaterThanOrEqual(expires);
    expect(renewed!.exp! * 1000 - expires).toBeLessThanOrEqual(1000);
  });

  it("gives a session's requests within the same 10 seconds the same token, a new one after, and never another session's", async () => {
    const sent = header(await signedIn(claims, { maxAge: 60 }));
    const start = new Date(Math.ceil(Date.now() / 10_000) * 10_000 + 10_000);
    const at = (ms: number) => new Date(start.getTime() + ms);
    const renewAt = (cookie: string, ms: number) => {
      vi.setSystemTime(at(ms));
      return renewSessionCookie(cookie);
    };
    vi.useFakeTimers({ toFake: ["Date"] });
    const first = await renewAt(sent, 0);
    const again = await renewAt(sent, 9_000);
    expect(again.cookie!.value).toBe(first.cookie!.value);
    expect(again.cookie!.options.expires).toEqual(at(sessionLifetime.idleSeconds * 1000));
    // Another session of the same person, in the same 10 seconds: its own token.
    const other = await renewAt(header(await signedIn({ ...claims, sid: "row-8" }, { maxAge: 60 })), 1_000);
    expect(other.cookie!.value).not.toBe(first.cookie!.value);
    expect(await decode({ token: other.cookie!.value, secret, salt })).toMatchObject({ sid: "row-8" });
    // The next 10 seconds: a new token, 30 minutes from their start.
    const later = await renewAt(sent, 10_000);
    expect(later.cookie!.value).not.toBe(first.cookie!.value);
    expect(later.cookie!.options.expires).toEqual(at(10_000 + sessionLifetime.idleSeconds * 1000));
    expect(await readSessionCookie(header(later.cookie!.value))).toMatchObject(claims);
    // The token of the first 10 seconds, last used 9 s into them, is a session until 30 minutes from their start.
    vi.setSystemTime(at(sessionLifetime.idleSeconds * 1000 - 1_000));
    expect(await readSessionCookie(header(first.cookie!.value))).toMatchObject(claims);
    vi.setSystemTime(at(sessionLifetime.idleSeconds * 1000));
    expect(await readSessionCookie(header(first.cookie!.value))).toBeNull();
  });

  it("deletes a cookie that is there but no longer a session, and sets nothing for a request without one", async () => {
    const expired = await renewSessionCookie(header(await signedIn({ ...claims, sat: Date.now() - sessionLifetime.absoluteMs - 1000 })));
    expect(expired).toEqual({ claims: null, cookie: expect.objectContaining({ name: sessionCookieName, value: "", options: expect.objectContaining({ expires: new Date(0) }) }) });
    const forged = await renewSessionCookie(header("not-a-token"));
    expect(forged.cookie?.value).toBe("");
    expect(await renewSessionCookie("locale=en")).toEqual({ claims: null, cookie: null });
  });
});

describe("Tokens already opened are remembered, not trusted longer", () => {
  afterEach(() => vi.useRealTimers());

  it("reads back the token it re-issued, and refuses it, and the one it came from, once their 30 minutes are over", async () => {
    const first = header(await signedIn(claims, { maxAge: 60 }));
    const { cookie } = await renewSessionCookie(first);
    const renewed = header(cookie!.value);
    expect(await readSessionCookie(renewed)).toMatchObject(claims);
    expect(await readSessionCookie(first)).toMatchObject(claims);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 61_000 });
    expect(await readSessionCookie(first)).toBeNull();
    expect(await readSessionCookie(renewed)).toMatchObject(claims);
    vi.setSystemTime(Date.now() + sessionLifetime.idleSeconds * 1000);
    expect(await readSessionCookie(renewed)).toBeNull();
  });

  it("still ends a remembered session 8 hours after its sign-in", async () => {
    const cookie = header(await signedIn({ ...claims, sat: Date.now() - sessionLifetime.absoluteMs + 5_000 }));
    expect(await readSessionCookie(cookie)).toMatchObject({ uid: 7 });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 10_000 });
    expect(await readSessionCookie(cookie)).toBeNull();
  });
});

describe("The Set-Cookie header", () => {
  it("carries the value and the attributes Auth.js sets", () => {
    const expires = new Date("2026-12-04T05:00:00Z");
    const header = setCookieHeader({ name: sessionCookieName, value: "abc.def", options: { httpOnly: true, sameSite: "lax", path: "/", secure: true, expires } });
    expect(header).toBe(`${sessionCookieName}=abc.def; Path=/; Expires=Fri, 04 Dec 2026 05:00:00 GMT; HttpOnly; Secure; SameSite=Lax`);
  });
});
