import { expect, test, toasts, uniqueEmail } from "./fixtures";
import { LoginPage } from "./pages/login-page";
import { UsersPage } from "./pages/users-page";

test.describe("Admin: users", () => {
  test("an admin creates a user who can sign in; once deactivated, their next action signs them out", async ({
    browser,
    page,
    signInAs,
  }) => {
    await signInAs("admin");
    const users = new UsersPage(page);
    await users.goto();
    const newcomer = { name: "Eka Putri", email: uniqueEmail("eka"), role: "Staff" as const, password: "temporary-pass-123" };
    const dialog = await users.createUser(newcomer);
    await expect(dialog).toBeHidden();
    await expect(users.row(newcomer.email)).toContainText("Active");

    const theirContext = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": "192.0.2.10" } });
    const theirPage = await theirContext.newPage();
    const theirLogin = new LoginPage(theirPage);
    await theirLogin.goto();
    await theirLogin.signIn(newcomer.email, newcomer.password);
    // A temporary password works once: the first page asks for their own.
    await expect(theirPage.getByRole("heading", { name: "Choose your own password" })).toBeVisible();
    const own = "gunung-merbabu-sore-hari-7";
    await theirPage.getByLabel("Temporary password").fill(newcomer.password);
    await theirPage.getByLabel("New password", { exact: true }).fill(own);
    await theirPage.getByLabel("New password again").fill(own);
    await theirPage.getByRole("button", { name: "Change password" }).click();
    await expect(theirPage.getByTestId("current-user-name")).toHaveText(newcomer.name);
    newcomer.password = own;

    await page.getByRole("button", { name: `Deactivate ${newcomer.name}` }).click();
    await expect(users.row(newcomer.email)).toContainText("Deactivated");

    await theirPage.getByRole("link", { name: "Overview" }).click();
    await expect(theirPage).toHaveURL(/\/login\?reason=deactivated/);
    await expect(theirPage.getByText("Your account has been deactivated.")).toBeVisible();
    await theirLogin.signIn(newcomer.email, newcomer.password);
    await expect(theirLogin.alert).toHaveText("This account is deactivated. Ask an admin to reactivate it.");
    await theirContext.close();
  });

  test("the last active admin cannot be demoted", async ({ page, signInAs }) => {
    await signInAs("admin");
    const users = new UsersPage(page);
    await users.goto();
    await users.setRole("Ayu Lestari", "Staff");
    await expect(toasts(page).getByText("This is the last active admin: make someone else admin first")).toBeVisible();
    await page.reload();
    await expect(page.getByRole("combobox", { name: "Role of Ayu Lestari" })).toHaveText("Admin");
  });

  test("bad input gets field errors and creates nothing", async ({ page, signInAs }) => {
    await signInAs("admin");
    const users = new UsersPage(page);
    await users.goto();
    const before = await page.getByRole("row").count();
    const dialog = await users.createUser({ name: "x".repeat(10_000), email: "not an email", role: "Staff", password: "short" });
    await expect(dialog.getByText("A name is at most 100 characters")).toBeVisible();
    await expect(dialog.getByText("Enter a valid e-mail address, like name@company.co.id")).toBeVisible();
    await expect(dialog.getByText("A password is at least 12 characters")).toBeVisible();
    await dialog.getByLabel("Name").fill("Another Sari");
    await dialog.getByLabel("E-mail").fill("STAFF@demo.test");
    await dialog.getByLabel("Temporary password").fill("long-enough-password");
    await dialog.getByRole("button", { name: "Create user" }).click();
    await expect(dialog.getByText("A user with this e-mail already exists")).toBeVisible();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await page.reload();
    await expect(page.getByRole("row")).toHaveCount(before);
  });
});
