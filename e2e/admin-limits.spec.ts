import { demoUser, expect, test, toasts } from "./fixtures";
import { approveFromQueue, openApproval } from "./pages/approvals";
import { createFreshUser, signedInClient, submitTransfer } from "./support/actions";
import { withE2eDatabase } from "./support/database";
import { gatewayRequests } from "./support/gateway";
import { uniquePhone } from "./support/seed";
import { signInElsewhere } from "./support/sign-ins";

test.describe("Admin: limits (docs/limits.md#the-limits)", () => {
  test("an admin changes the approval threshold with separators; it is stored and audited", async ({ page, signInAs }) => {
    await signInAs("admin");
    await page.goto("/admin/limits");
    const threshold = page.getByLabel("Approval threshold (Rp)");
    // Read with English separators (the e2e reads the app in English); typed either way.
    await expect(threshold).toHaveValue("5,000,000");

    await threshold.fill("lima juta");
    await page.getByRole("button", { name: "Save limits" }).click();
    await expect(page.getByText("Enter whole rupiah, like 50000 or 50.000 (no cents)")).toBeVisible();

    // Still above every amount other tests submit for approval (7.500.000), and below none they send.
    await threshold.fill("Rp 6.000.000");
    await page.getByRole("button", { name: "Save limits" }).click();
    await expect(toasts(page).getByText("Limits saved")).toBeVisible();
    await page.reload();
    await expect(page.getByLabel("Approval threshold (Rp)")).toHaveValue("6,000,000");
    const audit = withE2eDatabase((db) =>
      db.prepare("select before, after from audit_entries where action = 'limits.update' order by id desc limit 1").get(),
    ) as { before: string; after: string };
    expect(JSON.parse(audit.before)).toEqual({ approvalThreshold: 5_000_000 });
    expect(JSON.parse(audit.after)).toEqual({ approvalThreshold: 6_000_000 });

    await page.getByLabel("Approval threshold (Rp)").fill("5.000.000");
    await page.getByRole("button", { name: "Save limits" }).click();
    await expect(toasts(page).getByText("Limits saved")).toBeVisible();
  });
});

/**
 * docs/policies.md#approval-tiers (issue 17). In this file so it never runs beside the threshold test above (the first
 * tier's floor is the threshold). Its second tier starts at Rp 24.500.000, above any amount other spec files send
 * (the maximum per transfer is Rp 25.000.000), and is removed again before the test ends.
 */
test.describe("Admin: approval tiers (docs/policies.md#approval-tiers)", () => {
  test("a 2-approver tier: one approval is recorded and sends nothing, a tier change leaves it needing two, the second manager's approval sends it once", async ({ page, signInAs, browser }) => {
    test.setTimeout(120_000);
    await signInAs("admin");
    await page.goto("/admin/tiers");
    const save = page.getByRole("button", { name: "Save tiers" });
    const removeSecond = async () => {
      await page.goto("/admin/tiers");
      if ((await page.getByTestId("tier-1").count()) === 0) return;
      await page.getByRole("button", { name: "Remove tier 2" }).click();
      await save.click();
      await expect(toasts(page).getByText(/Approval tiers saved/)).toBeVisible();
    };
    try {
      // Bad input first: a second floor below the first is refused under the field, nothing saved.
      await page.getByRole("button", { name: "Add a tier" }).click();
      const second = page.getByTestId("tier-1");
      await second.getByLabel("From (Rp)").fill("1.000.000");
      await save.click();
      await expect(second.getByText(/Each floor must be higher than the one before \(Rp 5,000,000\)/)).toBeVisible();
      await second.getByLabel("Approvals needed").selectOption("3");
      await second.getByLabel("From (Rp)").fill("24.500.000");
      await save.click();
      await expect(second.getByText("There are only 2 active managers: a tier cannot ask for more approvals.")).toBeVisible();
      await second.getByLabel("Approvals needed").selectOption("2");
      await save.click();
      await expect(toasts(page).getByText(/Approval tiers saved/)).toBeVisible();
      await page.reload();
      await expect(page.getByTestId("tier-1").getByLabel("From (Rp)")).toHaveValue("24,500,000");

      // A maker of their own (the demo staff's daily total belongs to the other spec files) submits Rp 24.600.000.
      const maker = await signedInClient(await createFreshUser(page.request, "staff", "tiers"));
      const { reference } = await submitTransfer(maker, { wallet: "DANA", phone: uniquePhone(), amount: 24_600_000 });
      await maker.dispose();

      const manager = await signInElsewhere(browser, demoUser("manager"), "192.0.2.181");
      await manager.goto("/approvals");
      const row = manager.getByTestId(`approval-${reference}`);
      await expect(row.getByTestId("approval-progress")).toContainText("0 of 2 approvals");
      const dialog = await openApproval(manager, reference);
      await dialog.getByRole("button", { name: "Give approval 1 of 2" }).click();
      await expect(toasts(manager).getByText("Your approval is recorded (1 of 2). It is sent when one more manager approves.")).toBeVisible();
      await expect(row.getByTestId("approval-progress")).toContainText("1 of 2 approvals");
      await expect(row.getByTestId("approval-progress")).toContainText(`Approved by ${demoUser("manager").name}`);
      await expect(row.getByText("You approved it. Waiting for one more manager.")).toBeVisible();
      await expect(row.getByRole("button", { name: `Approve ${reference}` })).toHaveCount(0);
      expect(await gatewayRequests("topup", reference)).toHaveLength(0);

      // The admin goes back to one tier: the waiting transfer keeps the tier it entered with.
      await removeSecond();
      const manager2 = await signInElsewhere(browser, demoUser("manager", 1), "192.0.2.182");
      await manager2.goto("/approvals");
      const row2 = manager2.getByTestId(`approval-${reference}`);
      await expect(row2.getByTestId("approval-progress")).toContainText("1 of 2 approvals");
      await approveFromQueue(manager2, reference);
      await expect(row2).toHaveCount(0);
      await expect.poll(async () => (await gatewayRequests("topup", reference)).length).toBe(1);
      await manager.context().close();
      await manager2.context().close();
    } finally {
      await removeSecond();
    }
  });
});

