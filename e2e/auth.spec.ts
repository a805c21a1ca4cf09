import { demoUser, expect, test, uniqueEmail } from "./fixtures";
import { LoginPage } from "./pages/login-page";

test.describe("Sign-in shows each role only what it may use (docs/roles.md#who-may-do-what)", () => {
  const expectations = [
    { role: "staff", sees: ["Overview", "New transfer", "Batch payouts", "History"], hidden: ["Approvals", "Users", "Limits", "Audit trail"] },
    { role: "manager", sees: ["Overview", "New transfer", "Batch payouts", "History", "Approvals"], hidden: ["Users", "Limits", "Audit trail"] },
    { role: "admin", sees: ["Overview", "New transfer", "Batch payouts", "History", "Users", "Limits", "Audit trail"], hidden: ["Approvals"] },
  ] as const;

  for (const { role, sees, hidden } of expectations) {
    test(`${role} sees their name, role and only their navigation`, async ({ page, signInAs }) => {
      await signInAs(role);
      const nav = page.getByRole("navigation", { name: "Main" });
      for (const label of sees) await expect(nav.getByRole("link", { name: label })).toBeVisible();
      for (const label of hidden) await expect(nav.getByRole("link", { name: label })).toHaveCount(0);
      await expect(page.getByTestId("current-user-name")).toHaveText(demoUser(role).name);
      await expect(page.getByTestId("current-user-role")).toHaveText(role[0]!.toUpperCase() + role.slice(1));
    });
  }

  for (const [role, path] of [
    ["staff", "/admin/users"],
    ["staff", "/admin/limits"],
    ["staff", "/approvals"],
    ["admin", "/approvals"],
    ["manager", "/admin/users"],
    ["manager", "/admin/audit"],
  ] as const) {
    test(`${role} opening ${path} is refused with 403`, async ({ page, signInAs }) => {
      await signInAs(role);
      const response = await page.goto(path);
      expect(response?.status()).toBe(403);
      await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
    });
  }
});

test.describe("Sign-in answers", () => {
  test("a wrong password and an unknown e-mail get the same message", async ({ loginPage }) => {
    await loginPage.goto();
    await loginPage.signIn(demoUser("staff").email, "not-the-password");
    await expect(loginPage.alert).toHaveText("Wrong e-mail or password.");
    await loginPage.signIn(uniqueEmail("nobody"), "not-the-password");
    await expect(loginPage.alert).toHaveText("Wrong e-mail or password.");
  });

  test("a malformed e-mail gets a field error and no request is needed", async ({ loginPage, page }) => {
    await loginPage.goto();
    await loginPage.signIn("not-an-email", "whatever");
    await expect(page.getByText("Enter a valid e-mail address, like name@company.co.id")).toBeVisible();
    await expect(loginPage.email).toHaveAttribute("aria-invalid", "true");
  });

  test("the session cookie is httpOnly, secure and sameSite", async ({ page, signInAs, context }) => {
    await signInAs("staff");
    const cookie = (await context.cookies()).find((c) => c.name.includes("authjs.session-token"));
    expect(cookie).toBeDefined();
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax" });
    // At most 8 hours from now.
    expect(cookie!.expires * 1000 - Date.now()).toBeLessThanOrEqual(8 * 60 * 60 * 1000 + 5000);
    await expect(page).toHaveURL("/");
  });
});

test.describe("Throttling: 5 failures in 15 minutes lock the e-mail or the IP for 15 minutes", () => {
  test("after 5 failures for one e-mail, further attempts are refused from any address", async ({ browser, loginPage }) => {
    // A fresh account so that no other test is locked out.
    const email = uniqueEmail("locked");
    for (let i = 0; i < 5; i++) {
      await loginPage.goto();
      await loginPage.signIn(email, `wrong-${i}`);
      await expect(loginPage.alert).toHaveText("Wrong e-mail or password.");
    }
    await loginPage.signIn(email, "wrong-again");
    await expect(loginPage.alert).toContainText("Too many failed sign-ins");

    const elsewhere = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": "192.0.2.77" } });
    const otherLogin = new LoginPage(await elsewhere.newPage());
    await otherLogin.goto();
    await otherLogin.signIn(email, "anything");
    await expect(otherLogin.alert).toContainText("Too many failed sign-ins");
    await elsewhere.close();
  });

  test("after 5 failures from one address, a correct sign-in from it is refused but others still get in", async ({
    browser,
    loginPage,
    page,
  }) => {
    for (let i = 0; i < 5; i++) {
      await loginPage.goto();
      await loginPage.signIn(uniqueEmail("spray"), "guess");
      await expect(loginPage.alert).toHaveText("Wrong e-mail or password.");
    }
    const staff = demoUser("staff");
    await loginPage.signIn(staff.email, staff.password);
    await expect(loginPage.alert).toContainText("Too many failed sign-ins");
    await expect(page).toHaveURL(/\/login/);

    const other = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": "192.0.2.99" } });
    const otherLogin = new LoginPage(await other.newPage());
    await otherLogin.goto();
    await otherLogin.signIn(staff.email, staff.password);
    await expect(otherLogin.page.getByRole("navigation", { name: "Main" })).toBeVisible();
    await other.close();
  });
});

test.describe("Sessions", () => {
  test("sign-out ends the session on the server: even the old cookie sent again is refused", async ({ page, signInAs, context }) => {
    await signInAs("manager");
    const cookiesBefore = await context.cookies();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByText("You are signed out.")).toBeVisible();
    await page.goto("/");
    await expect(page).toHaveURL(/\/login/);
    await context.addCookies(cookiesBefore);
    await page.goto("/transfers");
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  });

  test("opening a page without a session returns to it after signing in", async ({ page, loginPage }) => {
    await page.goto("/admin/users");
    await expect(page).toHaveURL(/\/login\?.*callbackUrl=/);
    const admin = demoUser("admin");
    await loginPage.signIn(admin.email, admin.password);
    await expect(page).toHaveURL("/admin/users");
    await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  });
});
