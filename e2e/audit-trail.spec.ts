import { expect, test, toasts, uniqueEmail } from "./fixtures";
import { UsersPage } from "./pages/users-page";
import { withE2eDatabase } from "./support/database";

test.describe("Audit trail (docs/lifecycle.md#6-the-audit-trail-is-hash-chained, issue 5 §1)", () => {
  test("an admin change shows in the trail with who, what and from where; filters live in the URL; CSV exports them", async ({
    page,
    signInAs,
    clientIp,
  }) => {
    await signInAs("admin");
    const users = new UsersPage(page);
    await users.goto();
    const email = uniqueEmail("audited");
    await users.createUser({ name: "Audit Subject", email, role: "Staff", password: "temporary-pass-123" });
    await expect(users.row(email)).toBeVisible();

    await page.goto("/admin/audit");
    await page.getByLabel("Action").selectOption("user.create");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/action=user.create/);
    const row = page.getByRole("row").filter({ hasText: email });
    await expect(row).toContainText("Ayu Lestari");
    await expect(row).toContainText(clientIp);
    // In words for an auditor, with the raw name kept beside it; the target by name and e-mail, not "user 42";
    // the change field by field.
    const cells = row.getByRole("cell");
    await expect(cells.nth(2)).toContainText("Created a user");
    await expect(cells.nth(2)).toContainText("user.create");
    await expect(cells.nth(3)).toContainText("Audit Subject");
    await expect(cells.nth(3)).toContainText(email);
    await expect(cells.nth(4)).toContainText(`email: ${email}`);
    await expect(cells.nth(4)).toContainText("role: staff");
    await page.reload();
    await expect(page.getByRole("row").filter({ hasText: email })).toBeVisible();

    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export CSV" }).click();
    const csv = await (await download).createReadStream().then(async (stream) => {
      let text = "";
      for await (const chunk of stream) text += chunk;
      return text;
    });
    const lines = csv.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toBe("id,time (WIB),actor,actor e-mail,action,target type,target id,before,after,ip,hash");
    expect(lines.slice(1).every((line) => line.includes(",user.create,"))).toBe(true);
    expect(csv).toContain(email);
  });

  test("Verify chain finds a row edited directly in the database, and passes once it is restored", async ({ page, signInAs }) => {
    await signInAs("admin");
    await page.goto("/admin/audit");
    await page.getByRole("button", { name: "Verify chain" }).click();
    await expect(toasts(page).getByText(/Audit trail intact: [\d,]+ entries verified/)).toBeVisible();

    const { id, ip } = withE2eDatabase((db) => db.prepare("select id, ip from audit_entries order by id limit 1 offset 1").get()) as { id: number; ip: string | null };
    withE2eDatabase((db) => db.prepare("update audit_entries set ip = '6.6.6.6' where id = ?").run(id));
    try {
      await page.getByRole("button", { name: "Verify chain" }).click();
      await expect(toasts(page).getByText("Audit trail tampered with")).toBeVisible();
      await expect(toasts(page).getByText(`Entry ${id} was edited after it was written`)).toBeVisible();
    } finally {
      withE2eDatabase((db) => db.prepare("update audit_entries set ip = ? where id = ?").run(ip, id));
    }
    await page.reload();
    await page.getByRole("button", { name: "Verify chain" }).click();
    await expect(toasts(page).getByText(/Audit trail intact/)).toBeVisible();
  });
});
