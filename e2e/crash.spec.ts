import { spawn, type ChildProcess } from "node:child_process";
import { openApproval } from "./pages/approvals";
import type { Page } from "@playwright/test";
import { demoUser, expect, test } from "./fixtures";
import { LoginPage } from "./pages/login-page";
import { NewTransferPage } from "./pages/new-transfer-page";
import { withE2eDatabase } from "./support/database";
import { freshDatabase, ownAppEnv, startMock, waitFor } from "./support/own-app";

/**
 * docs/lifecycle.md#3-a-crash-loses-nothing (issue 5 §3): the app is killed with SIGKILL while a top-up is in flight; started
 * again, its reconciler settles the transfer from the status call, and Cash In saw exactly one top-up.
 * This spec runs its own app and mock on their own ports and database, so the kill touches no other test.
 */
const appPort = 3150;
const mockPort = 4150;
const app = `http://localhost:${appPort}`;
const control = `http://127.0.0.1:${mockPort}/__control`;
const databaseFile = "data/e2e-crash/app.db";

const env = { ...ownAppEnv({ appPort, mockPort, databaseFile }), RECONCILE_INTERVAL_MS: "500" };

function startApp(timeoutMs: number): ChildProcess {
  // `node …/next start` itself, not npx, so that SIGKILL hits the server process.
  return spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(appPort)], {
    env: { ...env, CASHIN_TIMEOUT_MS: String(timeoutMs) },
    stdio: "ignore",
  });
}

async function topups(reference?: string) {
  const { requests } = (await (await fetch(`${control}/requests?call=topup`)).json()) as { requests: { partnerReferenceNo: string; httpStatus: number | null }[] };
  return reference ? requests.filter((r) => r.partnerReferenceNo === reference) : requests;
}

function readTransfer(reference: string) {
  return withE2eDatabase((db) => db.prepare("select status, sent_at from transfers where reference = ?").get(reference), databaseFile) as
    | { status: string; sent_at: number }
    | undefined;
}

async function signIn(page: Page, role: "staff" | "manager") {
  const login = new LoginPage(page);
  await page.goto(`${app}/login`);
  await login.signInFully(demoUser(role), databaseFile);
}

test.describe("A crash mid-send loses nothing and sends nothing twice", () => {
  test.describe.configure({ mode: "serial", timeout: 120_000 });
  let mock: ChildProcess | undefined;
  let server: ChildProcess | undefined;

  test.beforeAll(async () => {
    // The demo manager signs in with the second factor here too (the e2e secrets, as scripts/e2e-server.sh enrols them).
    freshDatabase("data/e2e-crash", env);
    mock = await startMock(env);
  });

  test.afterAll(() => {
    server?.kill("SIGKILL");
    mock?.kill("SIGTERM");
  });

  test("SIGKILL while the approved top-up is held at the gateway; after a restart the reconciler settles it", async ({ page, browser }) => {
    server = startApp(8000);
    await waitFor(`${app}/api/health`);

    await signIn(page, "staff");
    const newTransfer = new NewTransferPage(page);
    await page.goto(`${app}/transfers/new`);
    const reference = await newTransfer.send("DANA", "081234567890", "7.500.000", "John", "Submit for approval");

    await fetch(`${control}/mode`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ holdTopups: true }) });
    const manager = await browser.newPage({ extraHTTPHeaders: { "X-Forwarded-For": "192.0.2.201" } });
    await signIn(manager, "manager");
    await manager.goto(`${app}/approvals`);
    const dialog = await openApproval(manager, reference);
    void dialog.getByRole("button", { name: "Approve and send" }).click();

    // The top-up has reached Cash In and waits there for an answer: kill the app now.
    await expect.poll(async () => (await topups(reference)).length, { timeout: 15_000 }).toBe(1);
    expect(readTransfer(reference)?.status).toBe("sending");
    server.kill("SIGKILL");
    await new Promise((resolve) => server!.once("exit", resolve));
    await manager.close();

    // Cash In finishes the held top-up; nobody is listening any more.
    await fetch(`${control}/mode`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ holdTopups: false }) });
    expect(readTransfer(reference)?.status).toBe("sending");

    server = startApp(1500);
    await waitFor(`${app}/api/health`);
    await expect.poll(() => readTransfer(reference)?.status, { timeout: 40_000, intervals: [500] }).toBe("succeeded");
    expect(await topups(reference)).toHaveLength(1);

    await page.goto(`${app}/transfers`);
    await expect(page.getByRole("row").filter({ hasText: reference })).toContainText("Succeeded");
  });

  test("SIGTERM while the reconciler's top-up is in flight: the app waits for Cash In's answer before it exits, and after a restart there is one top-up and a settled status", async ({ page }) => {
    server?.kill("SIGKILL");
    server = startApp(8000);
    await waitFor(`${app}/api/health`);
    await signIn(page, "staff");
    await page.goto(`${app}/transfers/new`);
    const reference = await new NewTransferPage(page).send("DANA", "081234567890", "7.600.000", "John", "Submit for approval");

    // An approval whose send a crash cut short: the background reconciler sends it (no request waits for
    // that top-up, so only the app's own clean stop can keep it from being cut off).
    await fetch(`${control}/mode`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ holdTopups: true }) });
    withE2eDatabase(
      (db) => db.prepare("update transfers set status = 'approved', decided_at = ?, updated_at = ? where reference = ?").run(Date.now(), Date.now() - 60_000, reference),
      databaseFile,
    );
    await expect.poll(async () => (await topups(reference)).length, { timeout: 15_000 }).toBe(1);
    expect(readTransfer(reference)?.status).toBe("sending");

    // A clean stop: the app keeps running until the top-up in flight has its answer.
    const exited = new Promise<number | null>((resolve) => server!.once("exit", (code) => resolve(code)));
    server.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(server.exitCode, "still running while the top-up waits").toBeNull();
    await fetch(`${control}/mode`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ holdTopups: false }) });
    expect(await exited).toBe(143);
    expect(readTransfer(reference)?.status).toBe("succeeded");

    server = startApp(1500);
    await waitFor(`${app}/api/health`);
    expect(await topups(reference)).toHaveLength(1);
    expect(readTransfer(reference)?.status).toBe("succeeded");
  });
});
