import { describe, expect, it } from "vitest";
import type { JWT } from "next-auth/jwt";
import { authConfig, sessionLifetime } from "@/lib/auth/auth.config";

/** docs/sign-in.md#sessions: 30 minutes idle, 8 hours at most, whatever the use. */
describe("Session lifetime in the cookie", () => {
  const jwt = (token: Partial<JWT>) =>
    (authConfig.callbacks.jwt as unknown as (params: { token: JWT; user?: unknown }) => JWT | null)({ token: token as JWT });

  it("re-issues the cookie for 30 minutes after each request (idle timeout)", () => {
    expect(authConfig.session.maxAge).toBe(30 * 60);
    expect(authConfig.jwt.maxAge).toBe(30 * 60);
  });

  it("keeps the sign-in time when re-issued, and drops the session 8 hours after it", () => {
    const signedInAt = Date.now() - sessionLifetime.absoluteMs + 60_000;
    expect(jwt({ uid: 1, sid: "s", sv: 1, sat: signedInAt })).toMatchObject({ sat: signedInAt });
    expect(jwt({ uid: 1, sid: "s", sv: 1, sat: Date.now() - sessionLifetime.absoluteMs - 1_000 })).toBeNull();
    expect(jwt({ uid: 1, sid: "s", sv: 1 })).toBeNull();
  });

  it("starts the clock at sign-in", () => {
    const token = (authConfig.callbacks.jwt as unknown as (p: { token: JWT; user: unknown }) => JWT)({
      token: {} as JWT,
      user: { id: "7", sessionVersion: 3, sessionId: "row-1" },
    });
    expect(token).toMatchObject({ uid: 7, sv: 3, sid: "row-1" });
    expect(Date.now() - token.sat).toBeLessThan(5_000);
  });
});
