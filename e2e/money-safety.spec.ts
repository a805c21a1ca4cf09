import { randomInt } from "node:crypto";
import { approveFromQueue } from "./pages/approvals";
import type { Browser, Page } from "@playwright/test";
import { demoUser, expect, test, toasts } from "./fixtures";
import { LoginPage } from "./pages/login-page";
import { NewTransferPage } from "./pages/new-transfer-page";
import { e2eEnv } from "../playwright.config";
import { deterministicOwner } from "../lib/cashin/mock/wallets";
import { transferChecks, updateTransfer } from "./support/database";
import { gatewayRequests, mockMode, setMockMode, topupsSent } from "./support/gateway";
import { uniquePhone } from "./support/seed";

/**
 * Issue 11 in a real browser (docs/lifecycle.md#paying-twice-is-impossible): the ways a merchant could pay twice, each tried the way a
 * person would try it, against the mock gateway.
 */

const status = (page: Page) => page.getByTestId("transfer-status");
/** An amount no other test sends: ends in 7, while the other specs send round amounts. */
const uniqueAmount = (base: number) => base + 10 * randomInt(0, 999) + 7;

async function expectStatus(page: Page, label: string, timeout = 20_000) {
  await expect(async () => {
    await page.reload();
    await expect(status(page)).toHaveText(label, { timeout: 1000 });
  }).toPass({ timeout });
}

/**
 * Has the reconciler check a transfer now, as if its next watch check had come, and waits until the app
 * has applied the answer: poking again before that would be overwritten by the schedule the answer sets.
 */
async function checkNow(reference: string) {
  const before = transferChecks(reference);
  updateTransfer(reference, { next_check_at: Date.now() });
  await expect.poll(() => transferChecks(reference), { timeout: 10_000 }).toBeGreaterThan(before);
}

/** A browser context of its own (its own cookies: another tab's session, or another person), signed in. */
async function signedInContext(browser: Browser, role: "staff" | "manager" | "admin", index = 0): Promise<Page> {
  const context = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": `198.18.${randomInt(0, 250)}.${randomInt(1, 250)}` } });
  const page = await context.newPage();
  const login = new LoginPage(page);
  const user = demoUser(role, index);
  await login.goto();
  await login.signInFully(user);
  return page;
}

const transferId = (page: Page) => Number(/\/transfers\/(\d+)$/.exec(page.url())?.[1]);

test.describe("One retry per failed transfer", () => {
  test("two tabs retrying one failed transfer make one retry and one top-up", async ({ page, signInAs, browser }) => {
    await signInAs("staff");
    const amount = uniqueAmount(45_000);
    const newTransfer = new NewTransferPage(page);
    await newTransfer.goto();
    // Rina's wallet: Cash In answers 5003801 and never processes it; past the grace period it failed as never sent.
    const reference = await newTransfer.send("DANA", "628111000006", String(amount), "Rina Kartika");
    await expect(status(page)).toHaveText("Processing");
    updateTransfer(reference, { sent_at: Date.now() - 11 * 60_000, next_check_at: Date.now() });
    await expectStatus(page, "Failed");
    const originalId = transferId(page);

    // The same person in two tabs (two sessions), both at "Retry as a new transfer", both confirming at once.
    const tabs = [await signedInContext(browser, "staff"), await signedInContext(browser, "staff")];
    for (const tab of tabs) {
      await tab.goto(`/transfers/${originalId}`);
      await tab.getByRole("link", { name: "Retry as a new transfer" }).click();
      const form = new NewTransferPage(tab);
      await expect(form.phone).toHaveValue("628111000006");
      await form.lookUp.click();
      await expect(form.ownerName).toHaveText("Rina Kartika");
      await form.review.click();
    }
    await Promise.all(tabs.map((tab) => new NewTransferPage(tab).dialog.getByRole("button", { name: "Send" }).click()));

    const outcomes = await Promise.all(
      tabs.map(async (tab) => {
        const refused = new NewTransferPage(tab).dialog.getByRole("alert");
        await expect(refused.or(tab.getByTestId("transfer-status"))).toBeVisible({ timeout: 15_000 });
        return (await refused.isVisible()) ? `refused: ${await refused.innerText()}` : "created";
      }),
    );
    expect(outcomes.filter((o) => o === "created")).toHaveLength(1);
    expect(outcomes.find((o) => o !== "created")).toMatch(/already retried/);
    // The original and its one retry: two top-ups to this wallet and amount, never three.
    expect(await topupsSent("628111000006", amount)).toHaveLength(2);

    // The original now links to its retry instead of offering the button.
    await page.reload();
    await expect(page.getByTestId("retried-as")).toBeVisible();
    await expect(page.getByRole("link", { name: "Retry as a new transfer" })).toHaveCount(0);
    for (const tab of tabs) await tab.context().close();
  });
});

test.describe("'Not found' means 'never sent' only after an ambiguous top-up", () => {
  test("the late-visible wallet: 202, then 07 past the grace period, stays processing, then succeeds; never offered for retry", async ({ page, signInAs }) => {
    await signInAs("staff");
    const newTransfer = new NewTransferPage(page);
    await newTransfer.goto();
    const reference = await newTransfer.send("DANA", "628111000010", String(uniqueAmount(40_000)), "Yanti Permata");
    await expect(toasts(page).getByText("Sent, waiting for Cash In to confirm")).toBeVisible();
    await expect(status(page)).toHaveText("Processing");
    // As if sent 11 minutes ago, past the 10-minute grace period: Cash In still says 07 for a while (MOCK_LATE_VISIBILITY_MS).
    updateTransfer(reference, { sent_at: Date.now() - 11 * 60_000, next_check_at: Date.now() });
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("reported-status").first()).toHaveText("07 Not found", { timeout: 1000 });
    }).toPass({ timeout: Number(e2eEnv.MOCK_LATE_VISIBILITY_MS) });
    await expect(status(page)).toHaveText("Processing");
    await expect(page.getByText("accepted this transfer but does not show it yet").first()).toBeVisible();
    await expect(page.getByRole("link", { name: "Retry as a new transfer" })).toHaveCount(0);
    // Once Cash In shows it, the next check settles it.
    await new Promise((resolve) => setTimeout(resolve, Number(e2eEnv.MOCK_LATE_VISIBILITY_MS)));
    updateTransfer(reference, { next_check_at: Date.now() });
    await expectStatus(page, "Succeeded");
    await expect(page.getByTestId("reported-status").last()).toHaveText("00 Success");
    expect(await gatewayRequests("topup", reference)).toHaveLength(1);
  });
});

test.describe("Later answers win only forward", () => {
  test("the refund wallet: succeeded, then refunded, shown on the page and in history", async ({ page, signInAs }) => {
    await signInAs("staff");
    const newTransfer = new NewTransferPage(page);
    await newTransfer.goto();
    const reference = await newTransfer.send("OVO", "628111000011", String(uniqueAmount(25_000)), "Rudi Hartono");
    await expect(toasts(page).getByText("Sent", { exact: true })).toBeVisible();
    await expect(status(page)).toHaveText("Succeeded");
    // A success gets its Cash In reference from a status call at once.
    await expect(page.getByRole("region", { name: "Processing" }).getByText(/^TF\d{10}$/)).toBeVisible();
    // The watch checks (an hour and a day later) find 00, then 04.
    await checkNow(reference);
    expect(await gatewayRequests("status", reference)).toHaveLength(2);
    await checkNow(reference);
    await expectStatus(page, "Refunded");
    expect(await gatewayRequests("status", reference)).toHaveLength(3);
    await page.goto(`/transfers?q=${reference}`);
    await expect(page.getByRole("row").filter({ hasText: reference })).toContainText("Refunded");
  });

  test("06 after 00 raises a discrepancy, changes no status, and an admin marks it reviewed", async ({ page, signInAs, browser }) => {
    await signInAs("staff");
    const newTransfer = new NewTransferPage(page);
    await newTransfer.goto();
    // Joko's wallet: Cash In reports 03, then 06. Recorded here as succeeded, as if its top-up had said 00.
    const reference = await newTransfer.send("DANA", "628111000007", String(uniqueAmount(15_000)), "Joko Susilo");
    updateTransfer(reference, { status: "succeeded", settled_at: Date.now(), next_check_at: Date.now() + 60 * 60_000 });
    await expect.poll(async () => (await gatewayRequests("status", reference)).length, { timeout: 10_000 }).toBe(0);
    await checkNow(reference);
    expect(await gatewayRequests("status", reference)).toHaveLength(1);
    await checkNow(reference);
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("discrepancy")).toContainText("06 Failed", { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await expect(status(page)).toHaveText("Succeeded");

    const admin = await signedInContext(browser, "admin");
    await admin.goto("/attention");
    const item = admin.getByTestId(`discrepancy-${reference}`);
    await expect(item).toContainText("06 Failed");
    await item.getByRole("button", { name: `Mark reviewed: the discrepancy of ${reference}` }).click();
    const dialog = admin.getByRole("dialog");
    await dialog.getByLabel("What you found").fill("Cash In ticket 5521: the payout went through");
    await dialog.getByRole("button", { name: "Mark reviewed" }).click();
    await expect(item).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId("discrepancy")).toContainText("Discrepancy (reviewed)");
    await admin.context().close();
  });
});

test.describe("No redirects", () => {
  test("a redirect on the top-up: at most one top-up, the transfer processing, the 3xx on the timeline", async ({ page, signInAs }) => {
    await signInAs("staff");
    const phone = uniquePhone();
    const amount = uniqueAmount(33_000);
    // Aimed at this test's own wallet number, so the other worker's tests do not feel it; the mode in force is put back.
    const previous = await mockMode();
    await setMockMode({ ...previous, fault: "redirect", faultCalls: ["topup"], faultAfterProcessing: true, faultCustomerNumbers: [phone], faultTimes: null });
    try {
      const newTransfer = new NewTransferPage(page);
      await newTransfer.goto();
      await newTransfer.lookUpWallet("DANA", phone, String(amount));
      await expect(newTransfer.ownerName).toBeVisible();
      await newTransfer.review.click();
      await newTransfer.dialog.getByRole("button", { name: "Send" }).click();
      await expect(page).toHaveURL(/\/transfers\/\d+$/);
    } finally {
      await setMockMode(previous);
    }
    await expect(status(page)).toHaveText("Processing");
    await expect(page.getByTestId("timeline-gateway-call").filter({ hasText: "Top-up sent to Cash In" })).toContainText("HTTP 307");
    expect(await topupsSent(phone, amount)).toHaveLength(1);
    await expectStatus(page, "Succeeded");
    expect(await topupsSent(phone, amount)).toHaveLength(1);
  });
});

test.describe("Near-duplicates are confirmed by a person", () => {
  test("a second identical transfer needs the maker's tick, and the approver sees the mark and ticks it too", async ({ page, signInAs, browser }) => {
    await signInAs("staff");
    const phone = uniquePhone();
    const amount = uniqueAmount(7_000_000);
    const newTransfer = new NewTransferPage(page);
    await newTransfer.goto();
    const first = await newTransfer.send("GoPay", phone, String(amount), deterministicOwner(phone), "Submit for approval");

    await newTransfer.goto();
    await newTransfer.lookUpWallet("GoPay", phone, String(amount));
    await newTransfer.review.click();
    const warning = newTransfer.dialog.getByTestId("near-duplicates");
    await expect(warning).toContainText("Possible duplicate");
    await expect(warning.getByRole("link", { name: first })).toBeVisible();
    const submit = newTransfer.dialog.getByRole("button", { name: "Submit for approval" });
    await expect(submit).toBeDisabled();
    await warning.getByRole("checkbox").check();
    await submit.click();
    await expect(page).toHaveURL(/\/transfers\/\d+$/);
    const second = (await page.getByTestId("transfer-reference").innerText()).trim();

    const manager = await signedInContext(browser, "manager");
    await manager.goto("/approvals");
    const row = manager.getByTestId(`approval-${second}`);
    await expect(row.getByTestId("near-duplicates")).toContainText(first);
    const approve = row.getByRole("button", { name: `Approve ${second}` });
    await expect(approve).toBeDisabled();
    await row.getByRole("checkbox", { name: "I checked: this is a separate payment" }).check();
    await approveFromQueue(manager, second);
    await expect(row).toHaveCount(0);
    expect(await topupsSent(phone, amount)).toHaveLength(1);
    await manager.context().close();
  });
});
