import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "./fixtures";

test.describe("Security headers and the Content-Security-Policy (docs/architecture.md#security-and-performance)", () => {
  test("pages carry a nonce-based CSP and the usual security headers, and no X-Powered-By", async ({ request }) => {
    for (const path of ["/login", "/api/health"]) {
      const response = await request.get(path);
      const headers = response.headers();
      expect(headers["content-security-policy"], path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
      expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(headers["content-security-policy"]).toContain("object-src 'none'");
      expect(headers["content-security-policy"]).not.toContain("unsafe-eval");
      expect(headers["x-frame-options"]).toBe("DENY");
      expect(headers["x-content-type-options"]).toBe("nosniff");
      expect(headers["referrer-policy"]).toBe("same-origin");
      // The e2e server is a production build: browsers must come back over HTTPS only.
      expect(headers["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains");
      expect(headers["x-powered-by"]).toBeUndefined();
    }
    const a = (await request.get("/login")).headers()["content-security-policy"];
    const b = (await request.get("/login")).headers()["content-security-policy"];
    expect(a).not.toBe(b); // a fresh nonce per response
  });

  test("the app's scripts carry the nonce and run under the policy (sign-in works)", async ({ page, signInAs }) => {
    const response = await page.goto("/login");
    const nonce = /'nonce-([^']+)'/.exec(response!.headers()["content-security-policy"] ?? "")?.[1];
    expect(nonce).toBeTruthy();
    const inline = await page.locator("script:not([src])").evaluateAll((scripts) => scripts.map((s) => (s as HTMLScriptElement).nonce));
    expect(inline.length).toBeGreaterThan(0);
    expect(inline.every((n) => n === nonce)).toBe(true);
    await signInAs("staff"); // hydration and the server action ran under the policy
  });
});

test.describe("No secret reaches the browser bundle", () => {
  test("no private key bytes, AUTH_SECRET or server env value appears anywhere in .next/static", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk(".next/static");
    expect(files.length).toBeGreaterThan(10);
    const privateKey = readFileSync("data/keys/merchant-private.pem", "utf8");
    const keyLines = privateKey.split("\n").filter((line) => line.length > 40 && !line.startsWith("-----"));
    const secrets = [readFileSync("data/auth-secret", "utf8").trim(), ...keyLines.slice(0, 5), "PRIVATE KEY-----", "data/keys/merchant-private.pem"];
    for (const file of files) {
      const content = readFileSync(file, "utf8");
      for (const secret of secrets) expect(content.includes(secret), `${secret.slice(0, 20)}… in ${file}`).toBe(false);
    }
  });
});
