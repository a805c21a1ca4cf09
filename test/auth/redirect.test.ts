import { describe, expect, it } from "vitest";
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
