import { describe, expect, it } from "vitest";
import { insecureSignIn, isLoopbackHost } from "@/lib/auth/secure-origin";

const production = { secureCookies: true, authUrl: "https://payouts.example.co.id" };

describe("The sign-in page says why signing in cannot work over plain http (docs/production.md#https)", () => {
  it("says so for an http address that is not loopback, pointing at AUTH_URL's sign-in page", () => {
    expect(insecureSignIn({ ...production, pageUrl: "http://10.0.0.5:3000/login?callbackUrl=%2Ftransfers" })).toEqual({
      address: "http://10.0.0.5:3000",
      secureSignIn: "https://payouts.example.co.id/login",
    });
    expect(insecureSignIn({ ...production, pageUrl: "http://payouts.example.co.id/login" })).toEqual({
      address: "http://payouts.example.co.id",
      secureSignIn: "https://payouts.example.co.id/login",
    });
  });

  it("names no https address when AUTH_URL has none to offer", () => {
    for (const authUrl of [undefined, "http://payouts.example.co.id", "not a url"]) {
      expect(insecureSignIn({ secureCookies: true, authUrl, pageUrl: "http://payouts.example.co.id/login" })).toEqual({
        address: "http://payouts.example.co.id",
        secureSignIn: null,
      });
    }
  });

  it("stays quiet over https, on loopback addresses (browsers keep Secure cookies there) and when cookies are not Secure (next dev)", () => {
    for (const pageUrl of [
      "https://payouts.example.co.id/login",
      "http://localhost:3000/login",
      "http://app.localhost:3000/login",
      "http://127.0.0.1:3000/login",
      "http://127.1.2.3/login",
      "http://[::1]:3000/login",
    ]) {
      expect(insecureSignIn({ ...production, pageUrl }), pageUrl).toBeNull();
    }
    expect(insecureSignIn({ secureCookies: false, authUrl: undefined, pageUrl: "http://10.0.0.5:3000/login" })).toBeNull();
  });

  it("tells loopback hosts from look-alikes", () => {
    for (const host of ["localhost", "LOCALHOST", "a.localhost", "127.0.0.1", "127.255.0.9", "::1", "[::1]"]) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["localhost.example.com", "mylocalhost", "127.0.0.1.nip.io", "10.0.0.1", "::2", "payouts.test"]) expect(isLoopbackHost(host), host).toBe(false);
  });
});
