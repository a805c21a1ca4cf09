import type { ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { verify } from "../lib/webhooks/signature";
import { demoUser, expect, test, toasts } from "./fixtures";
import { LoginPage } from "./pages/login-page";
import { NewTransferPage } from "./pages/new-transfer-page";
import { freshDatabase, ownAppEnv, startApp, startMock } from "./support/own-app";

/**
 * docs/webhooks.md (issue 18): an admin registers an endpoint pointing at a receiver this test runs on 127.0.0.1, a
 * payout settles, the signed webhook arrives and shows in the delivery log, and Resend sends it again. The app is
 * `next start` (production), where loopback is refused: this spec runs its own app with WEBHOOKS_ALLOW_PRIVATE=1
 * (tests only) on its own port and database, so the shared app keeps the production rule.
 */
const appPort = 3170;
const mockPort = 4170;
const app = `http://localhost:${appPort}`;
const databaseFile = "data/e2e-webhooks/app.db";

const env = { ...ownAppEnv({ appPort, mockPort, databaseFile }), WEBHOOKS_ALLOW_PRIVATE: "1", WEBHOOK_INTERVAL_MS: "300", RECONCILE_INTERVAL_MS: "500" };

type Received = { headers: Record<string, string>; body: string };

async function signIn(page: Page, role: "staff" | "admin") {
  const login = new LoginPage(page);
  await page.goto(`${app}/login`);
  await login.signInFully(demoUser(role), databaseFile);
}

test.describe("Webhooks: register, receive signed, log, resend (docs/webhooks.md)", () => {
  test.describe.configure({ mode: "serial", timeout: 120_000 });
  let mock: ChildProcess | undefined;
  let server: ChildProcess | undefined;
  let receiver: Server;
  const received: Received[] = [];

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(200, { "content-type": "text/plain" }).end("ok, stored");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    freshDatabase("data/e2e-webhooks", env);
    mock = await startMock(env);
    server = await startApp(appPort, env);
  });

  test.afterAll(async () => {
    server?.kill("SIGTERM");
    mock?.kill("SIGTERM");
    await new Promise((resolve) => receiver.close(resolve));
  });

  test("an endpoint gets a settled payout signed, the log shows it, Resend sends it again; the page fits a phone and passes axe", async ({ page, browser }) => {
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/cashin`;
    await signIn(page, "admin");
    await page.goto(`${app}/admin/webhooks`);
    await expect(page.getByTestId("webhook-repeats")).toContainText("more than once and out of order");
    await page.getByLabel("Endpoint URL (HTTPS)").fill(hook);
    await page.getByLabel("Description (optional)").fill("ERP payroll");
    await page.getByRole("checkbox", { name: /payout\.succeeded/ }).check();
    await page.getByRole("button", { name: "Register endpoint" }).click();
    const secret = (await page.getByTestId("webhook-secret-value").textContent())!.trim();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await page.getByRole("button", { name: "I have stored it" }).click();
    await expect(page.getByTestId("webhook-secret")).toHaveCount(0);
    await expect(page.getByTestId("webhook-endpoint")).toContainText(hook);

    // A payout below the approval threshold, sent by staff in a browser of their own; it succeeds at the mock.
    const staff = await browser.newPage({ extraHTTPHeaders: { "X-Forwarded-For": "192.0.2.171" } });
    await signIn(staff, "staff");
    await staff.goto(`${app}/transfers/new`);
    const reference = await new NewTransferPage(staff).send("DANA", "081234567890", "75.000", "John");

    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(1);
    const [first] = received;
    expect(verify(secret, first!.headers, first!.body)).toBe(true);
    const event = JSON.parse(first!.body);
    expect(event).toMatchObject({ id: first!.headers["webhook-id"], type: "payout.succeeded", data: { payout: { reference, status: "succeeded", amount: 75_000, currency: "IDR" } } });

    await page.reload();
    const row = page.getByTestId("webhook-delivery").filter({ hasText: event.id });
    await expect(row).toContainText("Delivered");
    await expect(row).toContainText("HTTP 200");
    await expect(row).toContainText("ok, stored");

    await row.getByRole("button", { name: `Resend event ${event.id}` }).click();
    await expect(toasts(page)).toContainText("Sent again: the endpoint answered 200");
    await expect.poll(() => received.length).toBe(2);
    expect(received[1]!.headers["webhook-id"]).toBe(event.id);
    expect(received[1]!.body).toBe(first!.body);
    expect(verify(secret, received[1]!.headers, received[1]!.body)).toBe(true);
    await page.reload();
    await expect(page.getByTestId("webhook-delivery").filter({ hasText: event.id })).toContainText(`Resent by ${demoUser("admin").name}`);

    // Disabled: nothing more goes out.
    await page.getByRole("button", { name: `Disable ${hook}` }).click();
    await expect(toasts(page)).toContainText("Endpoint disabled");
    await expect(page.getByTestId("webhook-endpoint")).toContainText("Disabled");

    // The page with its log, at phone width and on a desktop: no sideways scroll, no serious axe violation.
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 844 });
      await page.goto(`${app}/admin/webhooks`);
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      expect(widths.scroll, `${width} px`).toBeLessThanOrEqual(widths.inner);
      const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
      expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id), `${width} px`).toEqual([]);
    }
  });
});
