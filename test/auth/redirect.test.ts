import { describe, expect, it } from "vitest";
import { clientIp } from "@/lib/auth/client-ip";
import { safeCallbackPath } from "@/lib/auth/redirect";

describe("After sign-in only a path of this app is followed (no open redirect)", () => {
  it.each([
    ["/admin/users", "/admin/users"],
    ["/admin/users?page=2#top", "/admin/users?page=2#top"],
    ["http://localhost:3000/admin/users", "/admin/users"],
    ["https://evil.example/steal", "/steal"],
    ["//evil.example/x", "/x"],
    ["/\\evil.example", "/"],
    ["javascript:alert(1)", "/"],
    ["/login?callbackUrl=/x", "/"],
    ["/api/auth/signout", "/"],
    ["", "/"],
    [undefined, "/"],
  ])("%s → %s", (raw, expected) => {
    expect(safeCallbackPath(raw)).toBe(expected);
  });
});

describe("The client address comes from the proxy's X-Forwarded-For", () => {
  it("takes the first address, falls back to X-Real-IP, and bounds the length", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "203.0.113.5, 10.0.0.1" }))).toBe("203.0.113.5");
    expect(clientIp(new Headers({ "x-real-ip": "203.0.113.6" }))).toBe("203.0.113.6");
    expect(clientIp(new Headers())).toBe("unknown");
    expect(clientIp(new Headers({ "x-forwarded-for": "9".repeat(500) }))).toHaveLength(64);
  });
});
