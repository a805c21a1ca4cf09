import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import config from "../playwright.config";
import { expect, test } from "./fixtures";
import { LoginPage } from "./pages/login-page";

/**
 * docs/production.md: under NODE_ENV=production (every `next start`) the app refuses the demo's defaults at
 * start, and the sign-in page says why signing in cannot work over plain http.
 */

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// A name that is not loopback, resolved to the e2e server: http://payouts.test:3100 is then the app reached by
// its address without the HTTPS proxy.
const launchOptions = config.use?.launchOptions;
test.use({ launchOptions: { ...launchOptions, args: [...(launchOptions?.args ?? []), "--host-resolver-rules=MAP payouts.test 127.0.0.1"] } });

/** Only what a fresh server has: none of the developer's or the test runner's variables. */
function bareEnv(databaseFile: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: `file:${databaseFile}`, ...extra };
}

/** `node …/next start` on its own port: its exit code and everything it wrote, or still running after `ms`. */
function nextStart(port: number, env: NodeJS.ProcessEnv, ms: number) {
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port)], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; output: string }>((resolve) => child.on("close", (code) => resolve({ code, output })));
  const timer = setTimeout(() => child.kill("SIGKILL"), ms);
  void exited.then(() => clearTimeout(timer));
  return { child, exited, output: () => output };
}

test.describe("Production start refuses the demo's defaults (SPEC §8.3, docs/production.md#production-mode)", () => {
  let dir: string;
  test.beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "production-start-"));
  });
  test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("next start with NODE_ENV=production and only the demo's defaults exits non-zero, naming every variable to set", async () => {
    const { exited } = nextStart(await freePort(), bareEnv(join(dir, "refused.db")), 20_000);
    const { code, output } = await exited;
    expect(code, output).not.toBe(0);
    expect(code, "refused at start, not killed after waiting").not.toBeNull();
    for (const variable of ["AUTH_SECRET", "CASHIN_BASE_URL", "CASHIN_PARTNER_ID", "CASHIN_PRIVATE_KEY_PATH", "AUTH_URL"]) {
      expect(output).toMatch(new RegExp(`- ${variable} .*: set it to`));
    }
    expect(output).toContain("DEMO_MODE=1");
  });

  test("a merchant's own configuration starts and serves the sign-in page", async ({ request }) => {
    const databaseFile = join(dir, "production.db");
    const migrate = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/db-migrate.ts"], {
      env: bareEnv(databaseFile),
      encoding: "utf8",
    });
    expect(migrate.status, migrate.stderr).toBe(0);
    const port = await freePort();
    const server = nextStart(
      port,
      bareEnv(databaseFile, {
        AUTH_SECRET: "production-start-test-secret-of-32-characters",
        AUTH_URL: "https://payouts.example.co.id",
        // Never resolves (RFC 2606): the empty database gives the reconciler nothing to send anyway.
        CASHIN_BASE_URL: "https://cashin.invalid/pg/fo",
        CASHIN_PARTNER_ID: "CID1234567890",
        CASHIN_PRIVATE_KEY_PATH: "test/fixtures/snap-test-private.pem",
      }),
      30_000,
    );
    try {
      await expect
        .poll(async () => (await request.get(`http://127.0.0.1:${port}/login`).catch(() => null))?.status() ?? server.output(), { timeout: 20_000 })
        .toBe(200);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    expect(server.output()).not.toContain("Invalid configuration");
  });
});

test.describe("Over plain http the sign-in page says why signing in cannot work (docs/production.md#https)", () => {
  test("http://payouts.test shows the reason and where to go; http://localhost does not", async ({ page, context, baseURL }) => {
    const port = new URL(baseURL!).port;
    // Read in English here too (the suite's language cookie is for localhost).
    await context.addCookies([{ name: "locale", value: "en", domain: "payouts.test", path: "/", httpOnly: false, secure: false, sameSite: "Lax" }]);
    await page.goto(`http://payouts.test:${port}/login`);
    const notice = page.getByRole("alert").filter({ hasText: "Signing in cannot work at this address." });
    await expect(notice).toBeVisible();
    await expect(notice).toContainText(`This address uses plain http (http://payouts.test:${port}). The session cookie is only sent over HTTPS`);
    // The e2e server's AUTH_URL is http://localhost: no https:// address to offer.
    await expect(notice).toContainText("Open the app's https:// address instead, or ask your IT team to put it behind an HTTPS proxy");

    const login = new LoginPage(page);
    await login.goto();
    await expect(login.email).toBeVisible();
    await expect(page.getByText("Signing in cannot work")).toHaveCount(0);
  });
});
