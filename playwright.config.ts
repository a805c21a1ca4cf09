import { defineConfig, devices } from "@playwright/test";
import { languageState } from "./e2e/support/language";

const appPort = 3100;
const mockPort = 4110;

/** The end-to-end suite runs against `next start` and the mock gateway, each on its own port, fresh data. */
export const e2eEnv = {
  DATABASE_URL: "file:data/e2e/app.db",
  CASHIN_BASE_URL: `http://127.0.0.1:${mockPort}/pg/fo`,
  MOCK_GATEWAY_PORT: String(mockPort),
  MOCK_GATEWAY_CONTROL: "1",
  // Short enough that the timeout wallet (answering 2 s after the timeout) and the reconciler fit in a test.
  CASHIN_TIMEOUT_MS: "1500",
  RECONCILE_INTERVAL_MS: "1000",
  // The late-visibility wallet (628111000010) shows "not found" this long after its 202, then succeeds.
  MOCK_LATE_VISIBILITY_MS: "8000",
  NEXT_TELEMETRY_DISABLED: "1",
  // `next start` is production: this runs on the demo's mock gateway, partner id and key (docs/production.md#production-mode).
  DEMO_MODE: "1",
  // Each test sends its own X-Forwarded-For (e2e/fixtures.ts), as one proxy in front of the app would.
  TRUSTED_PROXY_HOPS: "1",
  // Long enough that a test's next attempt reliably lands inside the first delay, short enough to wait out.
  SIGN_IN_DELAY_MS: "2000",
  // The origin Auth.js builds its URLs from; it never trusts the request's Host headers (docs/sign-in.md).
  AUTH_URL: `http://localhost:${appPort}`,
  // Turns /api/metrics on (docs/monitoring.md); e2e/ops.spec.ts scrapes with it.
  METRICS_TOKEN: "e2e-metrics-token-0123456789abcdef0123456789abcdef",
  // No SMTP_URL: mails are kept for the admin's Mail page (docs/notifications.md); a pass every second.
  MAIL_INTERVAL_MS: "1000",
  // Specs seed transfers and read the dashboard at once: no minute-old figures (docs/dashboard.md#freshness).
  DASHBOARD_CACHE_MS: "0",
};

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 2,
  forbidOnly: true,
  retries: 0,
  // A test's budget only catches a hang: speed is the benchmark's (npm run bench). On these 2-core machines, with two
  // workers, their Chromiums and the server side by side, a flow of several people or a dozen pages takes 25–35 s
  // (each navigation 2–5 s), and at 30 s the suite failed on whichever long flow ran at a busy moment (the audit
  // trail's, the mail page's). Longer flows still say so with their own budget.
  timeout: 60_000,
  expect: { timeout: 7_000 },
  reporter: [["list"], ["json", { outputFile: "reports/e2e.json" }]],
  use: {
    baseURL: `http://localhost:${appPort}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    ...devices["Desktop Chrome"],
    viewport: { width: 1280, height: 800 },
    // Specs read the interface in English unless they ask for Indonesian (e2e/support/language.ts).
    storageState: languageState("en"),
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    },
  },
  webServer: [
    {
      command: "npm run -s keys:generate && npm run -s mock-gateway",
      url: `http://127.0.0.1:${mockPort}/`,
      env: e2eEnv,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: "bash scripts/e2e-server.sh",
      url: `http://localhost:${appPort}/api/health`,
      env: { ...e2eEnv, PORT: String(appPort) },
      reuseExistingServer: false,
      timeout: 120_000,
    },
  ],
});
