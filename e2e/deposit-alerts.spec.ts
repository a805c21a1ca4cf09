import type { ChildProcess } from "node:child_process";
import type { Browser, Page } from "@playwright/test";
import { demoUser, expect, test } from "./fixtures";
import { BatchPage } from "./pages/batch-page";
import { LoginPage } from "./pages/login-page";
import { withE2eDatabase } from "./support/database";
import { freshDatabase, ownAppEnv, startApp, startMock } from "./support/own-app";

/**
 * docs/deposit-alerts.md (issue 17): Cash In answers 4033814 (the deposit is too low) to the third row of a batch being
 * sent; sending pauses after that row, everyone sees the banner, the admin's Needs attention counts it, and after the
 * admin resumes, the batch sends its remaining rows, once each, and Dewi's refused row not again.
 * The shared e2e app runs with deposit alerts off (e2e/support/enrol-demo-users.ts): this spec runs its own app and mock
 * on their own ports and database with them on, and sends one row at a time (BATCH_CONCURRENCY=1), as e2e/crash.spec.ts does.
 */
const appPort = 3170;
const mockPort = 4170;
const app = `http://localhost:${appPort}`;
const control = `http://127.0.0.1:${mockPort}/__control`;
const databaseFile = "data/e2e-deposit/app.db";

const env = {
  ...ownAppEnv({ appPort, mockPort, databaseFile }),
  RECONCILE_INTERVAL_MS: "500",
  BATCH_CONCURRENCY: "1",
  E2E_DEPOSIT_ALERTS: "1",
};

async function topups(): Promise<string[]> {
  const { requests } = (await (await fetch(`${control}/requests?call=topup`)).json()) as { requests: { partnerReferenceNo: string }[] };
  return requests.map((r) => r.partnerReferenceNo);
}

function rowsOf(batchId: number) {
  return withE2eDatabase(
    (db) =>
      db
        .prepare("select r.line, t.reference, t.status from batch_rows r join transfers t on t.id = r.transfer_id where r.batch_id = ? order by r.line")
        .all(batchId) as { line: number; reference: string; status: string }[],
    databaseFile,
  );
}

function fromDatabase<T>(query: string): T[] {
  return withE2eDatabase((db) => db.prepare(query).all() as T[], databaseFile);
}

async function signIn(browser: Browser, role: "staff" | "admin", address: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: app, extraHTTPHeaders: { "X-Forwarded-For": address } });
  const page = await context.newPage();
  await page.goto(`${app}/login`);
  await new LoginPage(page).signInFully(demoUser(role), databaseFile);
  return page;
}

const csv = ["wallet,phone,amount,note", "DANA,6281270000001,10000,one", "OVO,6281270000002,11000,two", "ShopeePay,628111000004,12000,Dewi", "DANA,6281270000004,13000,four", "GoPay,6281270000005,14000,five"].join("\n");

test.describe("Deposit alerts: a low deposit pauses sending until an admin resumes", () => {
  test.describe.configure({ mode: "serial", timeout: 150_000 });
  let mock: ChildProcess | undefined;
  let server: ChildProcess | undefined;

  test.beforeAll(async () => {
    freshDatabase("data/e2e-deposit", env);
    mock = await startMock(env);
    server = await startApp(appPort, env);
  });

  test.afterAll(() => {
    server?.kill("SIGTERM");
    mock?.kill("SIGTERM");
  });

  test("the batch stops after Dewi's refused row; staff and admin see the banner; the admin resumes and the batch completes", async ({ browser }) => {
    const staff = await signIn(browser, "staff", "192.0.2.171");
    const batch = new BatchPage(staff);
    await staff.goto(`${app}/batches`);
    const { id } = await batch.upload("deposit.csv", csv);
    await expect(batch.status).toHaveText("Ready to submit", { timeout: 30_000 });
    const submit = await batch.openSubmit();
    await submit.getByRole("button", { name: "Submit and send" }).click();

    await test.step("sending stops after the refused third row: Cash In saw rows 2 to 4 once each, nothing after", async () => {
      await expect.poll(() => rowsOf(id).find((r) => r.line === 4)?.status, { timeout: 30_000 }).toBe("failed");
      // Give a runner that would go on the time to send the next row: it must not.
      await staff.waitForTimeout(2_000);
      const rows = rowsOf(id);
      expect(await topups()).toEqual(rows.slice(0, 3).map((r) => r.reference));
      expect(rows.map((r) => r.status)).toEqual(["succeeded", "succeeded", "failed", "approved", "approved"]);
    });

    await test.step("the staff member sees the banner on every page", async () => {
      await staff.goto(`${app}/transfers`);
      const banner = staff.getByTestId("sending-paused-banner");
      await expect(banner).toBeVisible();
      await expect(banner).toHaveAttribute("role", "alert");
      await expect(banner).toContainText(/Cash In reports the deposit is too low: sending paused since \d{2}:\d{2} WIB/);
      await expect(banner.getByRole("button", { name: "Resume sending" })).toHaveCount(0);
    });

    const admin = await signIn(browser, "admin", "192.0.2.172");
    await test.step("the admin sees the banner, the Needs attention badge and item, and the mail waiting", async () => {
      const banner = admin.getByTestId("sending-paused-banner");
      await expect(banner).toBeVisible();
      await expect(admin.getByTestId("nav-count-attention").first()).toContainText("1");
      await admin.goto(`${app}/attention`);
      await expect(admin.getByTestId("attention-sending-paused")).toContainText(rowsOf(id)[2]!.reference);
      await admin.goto(`${app}/admin/sending`);
      await expect(admin.getByTestId("sending-state")).toContainText(`paused since`);
      await expect(admin.getByTestId("sending-state")).toContainText(rowsOf(id)[2]!.reference);
      const told = fromDatabase<{ email: string }>("select u.email from notifications n join users u on u.id = n.user_id where n.event = 'sending.paused'");
      expect(told.map((n) => n.email)).toEqual([demoUser("admin").email]);
    });

    await test.step("nothing leaves while paused", async () => {
      await admin.waitForTimeout(1_500);
      expect(await topups()).toHaveLength(3);
    });

    await test.step("the admin resumes after confirming; the banner goes for both", async () => {
      await admin.getByTestId("sending-paused-banner").getByRole("button", { name: "Resume sending" }).click();
      const dialog = admin.getByRole("dialog", { name: "Resume sending?" });
      await expect(dialog).toContainText("Nothing Cash In refused is sent again.");
      await dialog.getByRole("button", { name: "Resume sending" }).click();
      await expect(admin.getByTestId("sending-paused-banner")).toHaveCount(0);
      await expect(admin.getByTestId("sending-state")).toHaveText("Sending: active");
      // The staff member's browser learns it from its next poll, without a reload.
      await expect(staff.getByTestId("sending-paused-banner")).toHaveCount(0, { timeout: 20_000 });
      const audit = fromDatabase<{ action: string; actor_email: string | null }>("select action, actor_email from audit_entries where action like 'sending.%' order by id");
      expect(audit).toEqual([
        { action: "sending.paused", actor_email: null },
        { action: "sending.resumed", actor_email: demoUser("admin").email },
      ]);
    });

    await test.step("the batch sends its remaining rows once each, and Dewi's refused row not again", async () => {
      await expect.poll(() => rowsOf(id).map((r) => r.status), { timeout: 30_000 }).toEqual(["succeeded", "succeeded", "failed", "succeeded", "succeeded"]);
      const sent = await topups();
      expect([...sent].sort()).toEqual(rowsOf(id).map((r) => r.reference).sort());
      await staff.goto(`${app}/batches/${id}`);
      await expect(batch.status).toHaveText("Sent", { timeout: 15_000 });
    });
  });
});
