import { randomInt } from "node:crypto";
import { approveFromQueue, openApproval } from "./pages/approvals";
import type { Page } from "@playwright/test";
import { demoUser, expect, test } from "./fixtures";
import { HistoryPage } from "./pages/history-page";
import { LoginPage } from "./pages/login-page";
import { NewTransferPage } from "./pages/new-transfer-page";
import { updateTransfer } from "./support/database";
import { gatewayRequests, topupsSent } from "./support/gateway";

const status = (page: Page) => page.getByTestId("transfer-status");

/** Reloads the detail page until the reconciler has settled the transfer. */
async function expectSettledTo(page: Page, label: string) {
  await expect(async () => {
    await page.reload();
    await expect(status(page)).toHaveText(label, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
}

test.describe("Sending: look up the owner, confirm, send (docs/roles.md#what-each-screen-offers)", () => {
  for (const wallet of ["DANA", "OVO", "GoPay", "ShopeePay"] as const) {
    test(`a transfer to ${wallet} succeeds and reaches the gateway once`, async ({ page, signInAs }) => {
      await signInAs("staff");
      const newTransfer = new NewTransferPage(page);
      await newTransfer.goto();
      const reference = await newTransfer.send(wallet, "0811-1000-001", "50.000", "Siti Rahayu");
      await expect(status(page)).toHaveText("Succeeded");
      await expect(page.getByText("Rp 50,000").first()).toBeVisible();
      expect(await gatewayRequests("topup", reference)).toHaveLength(1);
    });
  }

  test("the README's walk-through: Rp 50.000 to 6281234567890 on DANA is sent to John", async ({ page, signInAs }) => {
    await signInAs("staff");
    const newTransfer = new NewTransferPage(page);
    await newTransfer.goto();
    await newTransfer.send("DANA", "6281234567890", "50000", "John");
    await expect(status(page)).toHaveText("Succeeded");
  });

  test("no such wallet and an inactive wallet are told apart, and nothing can be sent", async ({ page, signInAs }) => {
    await signInAs("staff");
    const newTransfer = new NewTransferPage(page);
    await newTransfer.goto();
    await newTransfer.lookUpWallet("DANA", "0811 1000 003", "10000");
    await expect(page.getByRole("main").getByRole("alert")).toContainText("No DANA wallet is registered to 628111000003");
    await expect(newTransfer.review).toHaveCount(0);
    await newTransfer.lookUpWallet("OVO", "0811 1000 008", "10000");
    await expect(page.getByRole("main").getByRole("alert")).toContainText("This OVO wallet is inactive");
  });

  test("bad input gets field errors before any look-up", async ({ page, signInAs }) => {
    await signInAs("staff");
    const newTransfer = new NewTransferPage(page);
    await newTransfer.goto();
    await newTransfer.lookUpWallet("DANA", "12345", "10.5");
    await expect(page.getByText("Enter an Indonesian mobile number starting with 08, +62 8 or 628")).toBeVisible();
    await expect(page.getByText("Enter whole rupiah, like 50000 or 50.000 (no cents)")).toBeVisible();
    await expect(newTransfer.phone).toHaveAttribute("aria-invalid", "true");
  });

  test("insufficient funds fails the transfer with the reason in words", async ({ page, signInAs }) => {
    await signInAs("staff");
    const newTransfer = new NewTransferPage(page);
    await newTransfer.goto();
    await newTransfer.send("DANA", "628111000004", "25000", "Dewi Lestari");
    await expect(status(page)).toHaveText("Failed");
    await expect(page.getByText("The merchant's Cash In balance is too low for this transfer.").first()).toBeVisible();
  });

  test("a double-clicked Send creates one transfer and one top-up", async ({ page, signInAs }) => {
    // Counted by number and amount, not by reference: two transfers would carry two references. Other tests send
    // round amounts; one ending in 1, drawn per run, is this test's alone.
    const phone = "628111000001";
    const amount = 12_001 + 10 * Math.floor(Math.random() * 1_000);
    await signInAs("staff");
    const newTransfer = new NewTransferPage(page);
    await newTransfer.goto();
    await newTransfer.lookUpWallet("GoPay", phone, String(amount));
    await newTransfer.review.click();
    await newTransfer.dialog.getByRole("button", { name: "Send" }).dblclick();
    await expect(page).toHaveURL(/\/transfers\/\d+$/);
    const reference = (await page.getByTestId("transfer-reference").innerText()).trim();
    const history = new HistoryPage(page);
    await history.goto(`?q=${phone}&min=${amount}&max=${amount}`);
    await expect(history.rows).toHaveCount(1);
    await expect(history.row(reference)).toBeVisible();
    expect(await topupsSent(phone, amount)).toHaveLength(1);
  });
});

test.describe("Settling unsettled transfers (docs/gateway.md#transfer-statuses)", () => {
  test("the pending wallet settles through Refresh status", async ({ page, signInAs }) => {
    await signInAs("staff");
    const newTransfer = new NewTransferPage(page);
    await newTransfer.goto();
    await newTransfer.send("DANA", "628111000002", "30000", "Budi Santoso");
    await expect(status(page)).toHaveText("Processing");
    // Each press asks Cash In once (the wallet answers 03, 03, then 00). Pressed only while it is there and idle: the last
    // answer may settle it while the page is still being redrawn, and then the button is gone.
    await expect(async () => {
      const refresh = page.getByRole("button", { name: "Refresh status" });
      if ((await refresh.isVisible()) && (await refresh.isEnabled())) await refresh.click();
      await expect(status(page)).toHaveText("Succeeded", { timeout: 3000 });
    }).toPass({ timeout: 30_000 });
  });

  test("the timeout wallet ends processing, then the reconciler settles it with one top-up", async ({ page, signInAs }) => {
    await signInAs("staff");
    const newTransfer = new NewTransferPage(page);
    await newTransfer.goto();
    const reference = await newTransfer.send("DANA", "628111000005", "40000", "Agus Wijaya");
    await expect(status(page)).toHaveText("Processing");
    await expectSettledTo(page, "Succeeded");
    expect(await gatewayRequests("topup", reference)).toHaveLength(1);
  });

  test("the 5xx wallet stays processing through the grace period, then fails as never sent", async ({ page, signInAs }) => {
    await signInAs("staff");
    const newTransfer = new NewTransferPage(page);
    await newTransfer.goto();
    const reference = await newTransfer.send("DANA", "628111000006", "45000", "Rina Kartika");
    await expect(status(page)).toHaveText("Processing");
    // Eleven minutes later (the grace period is 10): the next check finds it still unknown to Cash In.
    updateTransfer(reference, { sent_at: Date.now() - 11 * 60_000, next_check_at: Date.now() });
    await expectSettledTo(page, "Failed");
    await expect(page.getByText("Cash In never received this transfer").first()).toBeVisible();
    expect(await gatewayRequests("topup", reference)).toHaveLength(1);
    // Retrying starts a new transfer with the same wallet, number and amount, looked up afresh.
    await page.getByRole("link", { name: "Retry as a new transfer" }).click();
    await expect(page.getByText(`Retrying failed transfer ${reference} as a new transfer`)).toBeVisible();
    await expect(page.getByLabel("Phone number")).toHaveValue("628111000006");
    await expect(page.getByLabel("Amount (Rp)")).toHaveValue("45000");
  });
});

test.describe("Approvals (docs/lifecycle.md#transitions, docs/roles.md#what-each-screen-offers)", () => {
  /** An amount of its own per transfer (Rp 7.500.000 and a little): the same payment twice would be a possible duplicate. */
  async function submitForApproval(page: Page, phone = "6281234567890", owner = "John") {
    const newTransfer = new NewTransferPage(page);
    await newTransfer.goto();
    const amount = 7_500_000 + randomInt(1, 400_000);
    const reference = await newTransfer.send("DANA", phone, String(amount), owner, "Submit for approval");
    await expect(status(page)).toHaveText("Awaiting approval");
    return reference;
  }

  async function signInElsewhere(page: Page, role: "manager", index: number) {
    const login = new LoginPage(await page.context().browser()!.newPage({ extraHTTPHeaders: { "X-Forwarded-For": `192.0.2.${50 + index}` } }));
    const user = demoUser(role, index);
    await login.goto();
    await login.signInFully(user);
    return login.page;
  }

  test("Rp 7.500.000 waits for approval; the second manager approves it and it is sent once", async ({ page, signInAs }) => {
    await signInAs("staff");
    const reference = await submitForApproval(page);
    expect(await gatewayRequests("topup", reference)).toHaveLength(0);

    const manager = await signInElsewhere(page, "manager", 1);
    await manager.goto("/approvals");
    const row = manager.getByTestId(`approval-${reference}`);
    await expect(row).toContainText("Sari Wulandari");
    await expect(row).toContainText(/Rp 7,\d{3},\d{3}/);
    const dialog = await openApproval(manager, reference);
    await expect(dialog).toContainText("John");
    await expect(dialog).toContainText(/Rp 7,\d{3},\d{3}/);
    await dialog.getByRole("button", { name: "Approve and send" }).click();
    await expect(row).toHaveCount(0);
    await page.reload();
    await expect(status(page)).toHaveText("Succeeded");
    expect(await gatewayRequests("topup", reference)).toHaveLength(1);
    await manager.close();
  });

  test("a manager cannot approve their own transfer", async ({ page, signInAs }) => {
    await signInAs("manager");
    const reference = await submitForApproval(page);
    await page.goto("/approvals");
    const row = page.getByTestId(`approval-${reference}`);
    await expect(row).toContainText("Your own: another manager decides");
    await expect(row.getByRole("button", { name: /Approve/ })).toHaveCount(0);
  });

  test("a changed owner name is shown side by side and must be acknowledged", async ({ page, signInAs }) => {
    await signInAs("staff");
    const reference = await submitForApproval(page);
    updateTransfer(reference, { owner_name: "Jon" });
    const manager = await signInElsewhere(page, "manager", 0);
    await manager.goto("/approvals");
    await approveFromQueue(manager, reference);
    const dialog = manager.getByRole("dialog", { name: "The wallet owner's name changed" });
    await expect(dialog.getByTestId("confirmed-name")).toHaveText("Jon");
    await expect(dialog.getByTestId("current-name")).toHaveText("John");
    const approve = dialog.getByRole("button", { name: "Approve and send to John" });
    await expect(approve).toBeDisabled();
    await dialog.getByRole("checkbox").check();
    await approve.click();
    await expect(manager.getByTestId(`approval-${reference}`)).toHaveCount(0);
    await page.reload();
    await expect(status(page)).toHaveText("Succeeded");
    await manager.close();
  });

  test("a manager rejects with a reason, and the maker sees it", async ({ page, signInAs }) => {
    await signInAs("staff");
    const reference = await submitForApproval(page);
    const manager = await signInElsewhere(page, "manager", 0);
    await manager.goto("/approvals");
    await manager.getByRole("button", { name: `Reject ${reference}` }).click();
    const dialog = manager.getByRole("dialog");
    await dialog.getByRole("button", { name: "Reject transfer" }).click();
    await expect(dialog.getByText("Give a reason of at least 3 characters")).toBeVisible();
    await dialog.getByLabel("Reason").fill("Duplicate of last week's payout");
    await dialog.getByRole("button", { name: "Reject transfer" }).click();
    await expect(manager.getByTestId(`approval-${reference}`)).toHaveCount(0);
    await page.reload();
    await expect(status(page)).toHaveText("Rejected");
    await expect(page.getByText("Duplicate of last week's payout").first()).toBeVisible();
    expect(await gatewayRequests("topup", reference)).toHaveLength(0);
    await manager.close();
  });

  test("the maker cancels a transfer that awaits approval", async ({ page, signInAs }) => {
    await signInAs("staff");
    const reference = await submitForApproval(page);
    await page.getByRole("button", { name: "Cancel transfer" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Cancel transfer" }).click();
    await expect(status(page)).toHaveText("Canceled");
    expect(await gatewayRequests("topup", reference)).toHaveLength(0);
  });

  test("a transfer not approved within the window expires", async ({ page, signInAs }) => {
    await signInAs("staff");
    const reference = await submitForApproval(page);
    updateTransfer(reference, { created_at: Date.now() - 25 * 60 * 60_000 });
    await expectSettledTo(page, "Expired");
    expect(await gatewayRequests("topup", reference)).toHaveLength(0);
  });
});
