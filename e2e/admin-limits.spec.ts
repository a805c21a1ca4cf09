import { expect, test, toasts } from "./fixtures";
import { withE2eDatabase } from "./support/database";

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
