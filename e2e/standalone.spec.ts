import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { demoUser, expect, test } from "./fixtures";
import { LoginPage } from "./pages/login-page";
import { NewTransferPage } from "./pages/new-transfer-page";

/**
 * docs/deploying.md: what the Docker image runs, `node .next/standalone/server.js` (with the static assets
 * and migrations beside it, migrations applied at start), serves sign-in and a transfer end to end. Its own
 * ports, database and mock gateway, like e2e/crash.spec.ts.
 */
const appPort = 3180;
const mockPort = 4180;
const app = `http://localhost:${appPort}`;
const root = resolve(__dirname, "..");
const databaseFile = resolve(root, "data/e2e-standalone/app.db");

const env = {
  ...process.env,
  DEMO_MODE: "1",
  AUTH_SECRET: readFileSync(resolve(root, "data/auth-secret"), "utf8").trim(),
  AUTH_URL: app,
  DATABASE_URL: `file:${databaseFile}`,
  CASHIN_BASE_URL: `http://127.0.0.1:${mockPort}/pg/fo`,
  CASHIN_PRIVATE_KEY_PATH: resolve(root, "data/keys/merchant-private.pem"),
  CASHIN_PUBLIC_KEY_PATH: resolve(root, "data/keys/merchant-public.pem"),
  MOCK_GATEWAY_PORT: String(mockPort),
  MOCK_GATEWAY_CONTROL: "1",
  NEXT_TELEMETRY_DISABLED: "1",
};

async function waitFor(url: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

test.describe("The standalone server, as the image runs it", () => {
  test.describe.configure({ mode: "serial", timeout: 120_000 });
  let mock: ChildProcess | undefined;
  let server: ChildProcess | undefined;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    rmSync(resolve(root, "data/e2e-standalone"), { recursive: true, force: true });
    const prepare = spawnSync("bash", ["scripts/standalone-prepare.sh"], { cwd: root, encoding: "utf8" });
    if (prepare.status !== 0) throw new Error(`standalone-prepare failed: ${prepare.stderr}`);
    mock = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/mock-gateway.ts"], { cwd: root, env, stdio: "ignore" });
    await waitFor(`http://127.0.0.1:${mockPort}/`);
    // Migrations are applied by the server itself at start (MIGRATE_ON_START); the demo users come after.
    server = spawn(process.execPath, ["server.js"], {
      cwd: resolve(root, ".next/standalone"),
      env: { ...env, PORT: String(appPort), HOSTNAME: "127.0.0.1", MIGRATE_ON_START: "1", NODE_OPTIONS: "--require ./scripts/peer-address.cjs" },
      stdio: "ignore",
    });
    await waitFor(`${app}/api/health`, 60_000);
    const seed = spawnSync("npm", ["run", "-s", "db:seed"], { cwd: root, env, encoding: "utf8" });
    if (seed.status !== 0) throw new Error(`db:seed failed: ${seed.stderr}`);
  });

  test.afterAll(() => {
    server?.kill("SIGTERM");
    mock?.kill("SIGTERM");
  });

  test("serves sign-in and sends a transfer end to end", async ({ page }) => {
    const login = new LoginPage(page);
    await page.goto(`${app}/login`);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await login.signIn(demoUser("staff").email, demoUser("staff").password);
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    await page.goto(`${app}/transfers/new`);
    const reference = await new NewTransferPage(page).send("DANA", "081234567890", "50.000", "John");
    await expect(page.getByTestId("transfer-status")).toHaveText("Succeeded");
    const { requests } = (await (await fetch(`http://127.0.0.1:${mockPort}/__control/requests?call=topup`)).json()) as { requests: { partnerReferenceNo: string }[] };
    expect(requests.filter((r) => r.partnerReferenceNo === reference)).toHaveLength(1);
  });
});
