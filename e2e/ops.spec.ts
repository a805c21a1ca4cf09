import type { APIRequestContext } from "@playwright/test";
import { e2eEnv } from "../playwright.config";
import { sample } from "../test/ops/prometheus-text";
import { demoUser, expect, test } from "./fixtures";
import { NewTransferPage } from "./pages/new-transfer-page";

/** SPEC §8.3 against the running app: readiness for probes, metrics for Prometheus (docs/monitoring.md). */

const bearer = { Authorization: `Bearer ${e2eEnv.METRICS_TOKEN}` };

async function scrape(request: APIRequestContext): Promise<string> {
  const response = await request.get("/api/metrics", { headers: bearer });
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

test.describe("GET /api/ready (SPEC §8.3)", () => {
  test("answers 200 with every check ok, without a session", async ({ request }) => {
    const response = await request.get("/api/ready", { maxRedirects: 0 });
    expect(response.status()).toBe(200);
    expect(response.headers()["cache-control"]).toBe("no-store");
    expect(await response.json()).toEqual({
      ready: true,
      checks: { database: "ok", migrations: "ok", privateKey: "ok", reconciler: "ok", acceptingWork: "ok" },
    });
  });
});

test.describe("GET /api/metrics (SPEC §8.3)", () => {
  test("refuses without the token, with a wrong one and under another scheme: 401 with a sentence, not the sign-in page", async ({ request }) => {
    for (const [headers, message] of [
      [{}, "Missing Authorization header: send Authorization: Bearer <METRICS_TOKEN>."],
      [{ Authorization: "Bearer wrong-token-wrong-token-wrong-token-00" }, "Wrong metrics token."],
      [{ Authorization: `Basic ${e2eEnv.METRICS_TOKEN}` }, "Wrong Authorization scheme: send Authorization: Bearer <METRICS_TOKEN>."],
    ] as const) {
      const response = await request.get("/api/metrics", { headers, maxRedirects: 0 });
      expect(response.status()).toBe(401);
      expect(response.headers()["www-authenticate"]).toBe('Bearer realm="metrics"');
      expect((await response.text()).trim()).toBe(message);
    }
  });

  test("with the token: the named series, following a failed sign-in and a transfer sent", async ({ page, request, loginPage, signInAs }) => {
    const before = await scrape(request);
    for (const name of [
      "cashin_payouts_transfers",
      "cashin_payouts_gateway_calls_total",
      "cashin_payouts_gateway_call_duration_seconds",
      "cashin_payouts_unsettled_transfers",
      "cashin_payouts_oldest_unsettled_age_seconds",
      "cashin_payouts_batch_rows_in_flight",
      "cashin_payouts_sign_in_failures_last_hour",
      "cashin_payouts_reconciler_last_run_timestamp_seconds",
      "cashin_payouts_reconciler_pass_running_seconds",
      "cashin_payouts_ready",
    ]) {
      expect(before).toMatch(new RegExp(`^# HELP ${name} `, "m"));
    }
    const lastRun = sample(before, "cashin_payouts_reconciler_last_run_timestamp_seconds")!;
    expect(Date.now() / 1000 - lastRun).toBeLessThan(60);
    expect(sample(before, "cashin_payouts_ready", { check: "reconciler" })).toBe(1);

    await loginPage.goto();
    await loginPage.signIn(demoUser("staff").email, "not-the-password");
    await expect(loginPage.alert).toBeVisible();
    await signInAs("staff");
    const newTransfer = new NewTransferPage(page);
    await newTransfer.goto();
    // An amount of its own: the same payment as another spec's within 24 h would ask for the near-duplicate tick.
    const amount = (60_000 + Math.floor(Math.random() * 30_000)).toLocaleString("id-ID");
    await newTransfer.send("DANA", "0811-1000-001", amount, "Siti Rahayu");
    await expect(page.getByTestId("transfer-status")).toHaveText("Succeeded");

    const after = await scrape(request);
    const calls = (text: string, service: string) => sample(text, "cashin_payouts_gateway_calls_total", { service, outcome: "success" })!;
    expect(calls(after, "inquiry")).toBeGreaterThanOrEqual(calls(before, "inquiry") + 1);
    expect(calls(after, "topup")).toBeGreaterThanOrEqual(calls(before, "topup") + 1);
    expect(sample(after, "cashin_payouts_gateway_call_duration_seconds_count", { service: "topup" })).toBeGreaterThanOrEqual(1);
    expect(sample(after, "cashin_payouts_transfers", { status: "succeeded" })).toBeGreaterThanOrEqual(1);
    expect(sample(after, "cashin_payouts_sign_in_failures_last_hour", { outcome: "failure" })).toBeGreaterThanOrEqual(1);
  });
});
