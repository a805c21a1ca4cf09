import { demoUser, expect, test, uniqueEmail } from "./fixtures";
import type { LoginPage } from "./pages/login-page";
import { addressBlock, seedStaffMember, signInFrom } from "./support/sign-ins";

test.describe("Sign-in shows each role only what it may use (docs/roles.md#who-may-do-what)", () => {
  const expectations = [
    { role: "staff", sees: ["Overview", "New transfer", "Batch payouts", "History"], hidden: ["Approvals", "Users", "Limits", "Audit trail", "Sign-ins", "Approval tiers", "Sign-in addresses", "Sending"] },
    { role: "manager", sees: ["Overview", "New transfer", "Batch payouts", "History", "Approvals"], hidden: ["Users", "Limits", "Audit trail", "Sign-ins", "Approval tiers", "Sign-in addresses", "Sending"] },
    { role: "admin", sees: ["Overview", "New transfer", "Batch payouts", "History", "Users", "Limits", "Audit trail", "Sign-ins", "Approval tiers", "Sign-in addresses", "Sending"], hidden: ["Approvals"] },
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
    ["staff", "/admin/sign-ins"],
    ["manager", "/admin/sign-ins"],
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

test.describe("Throttling: growing delays, never a lock-out (docs/sign-in.md#throttling)", () => {
  // The e2e server's first delay is 2 s (SIGN_IN_DELAY_MS in playwright.config.ts); it doubles per further failure.
  const tooMany = "Too many failed sign-ins";

  /** The right password, tried until the wait is over: a refused attempt counts for nothing, so retrying is safe. */
  async function signInOnceAllowed(loginPage: LoginPage, user: { email: string; password: string }) {
    const signedIn = loginPage.page.getByRole("navigation", { name: "Main" });
    await expect(async () => {
      await loginPage.goto();
      await loginPage.signIn(user.email, user.password);
      await expect(signedIn.or(loginPage.alert)).toBeVisible();
      expect(await signedIn.isVisible(), "signed in, not asked to wait").toBe(true);
    }).toPass({ timeout: 15_000 });
  }

  test("after 5 failures from one address the account waits there, longer after each further failure, and the right password after the wait gets in", async ({
    loginPage,
    page,
  }) => {
    const user = await seedStaffMember("throttled");
    for (let i = 0; i < 5; i++) {
      await loginPage.goto();
      await loginPage.signIn(user.email, `wrong-${i}`);
      await expect(loginPage.alert).toHaveText("Wrong e-mail or password.");
    }
    await loginPage.signIn(user.email, user.password);
    await expect(loginPage.alert).toContainText(tooMany);

    // Once the 2 s have passed a wrong password is checked again (no lock-out), and now the wait is 4 s.
    await page.waitForTimeout(2_000);
    const sixthFailure = Date.now();
    await loginPage.signIn(user.email, "wrong-5");
    await expect(loginPage.alert).toHaveText("Wrong e-mail or password.");
    await page.waitForTimeout(Math.max(0, sixthFailure + 2_500 - Date.now()));
    await loginPage.signIn(user.email, user.password);
    await expect(loginPage.alert).toContainText(tooMany);

    await signInOnceAllowed(loginPage, user);
  });

  test("10 failures for one account from 10 addresses make it wait everywhere, briefly, and then its owner gets in", async ({ loginPage }) => {
    const user = await seedStaffMember("sprayed");
    const attacker = addressBlock();
    for (let i = 1; i <= 10; i++) expect((await signInFrom(attacker(i), { email: user.email, password: `guess-${i}` })).result?.message).toBe("Wrong e-mail or password.");
    expect((await signInFrom(attacker(11), { email: user.email, password: "guess-11" })).result?.message).toContain(tooMany);

    await signInOnceAllowed(loginPage, user);
  });

  test("20 failures from one address make that address wait, even with a right password, while other addresses get in", async ({ loginPage, page }) => {
    const user = await seedStaffMember("sprayer");
    const sprayer = addressBlock()(1);
    for (let i = 0; i < 20; i++) expect((await signInFrom(sprayer, { email: uniqueEmail("spray"), password: "guess" })).result?.message).toBe("Wrong e-mail or password.");
    expect((await signInFrom(sprayer, user)).result?.message).toContain(tooMany);

    // This test's browser has an address of its own.
    await loginPage.goto();
    await loginPage.signIn(user.email, user.password);
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  });
});

test.describe("Watching sign-ins (docs/sign-in.md#watching-sign-ins)", () => {
  test("an admin sees failed sign-ins on the Sign-ins page, counted per e-mail, address and minute, and in the audit trail", async ({
    clientIp,
    loginPage,
    page,
    signInAs,
  }) => {
    const email = uniqueEmail("watched");
    for (let i = 0; i < 2; i++) {
      await loginPage.goto();
      await loginPage.signIn(email, `guess-${i}`);
      await expect(loginPage.alert).toHaveText("Wrong e-mail or password.");
    }
    await signInAs("admin");

    await page.goto(`/admin/sign-ins?${new URLSearchParams({ email: email.toUpperCase() })}`);
    await expect(page.getByRole("heading", { name: "Failed sign-ins" })).toBeVisible();
    const rows = page.getByRole("table", { name: "Failed sign-ins" }).locator("tbody tr");
    await expect(rows.first()).toContainText(email);
    await expect(rows.first()).toContainText(clientIp);
    // Both failures, in one row unless they fell either side of a minute's end.
    const wrongPasswords = (await rows.locator("td:nth-child(4)").allInnerTexts()).map(Number);
    expect(wrongPasswords.reduce((a, b) => a + b, 0)).toBe(2);

    await page.goto(`/admin/audit?${new URLSearchParams({ action: "auth.sign_in_failed", targetId: email })}`);
    const entries = page.getByRole("table", { name: "Audit entries" }).locator("tbody tr");
    await expect(entries.first()).toContainText("Failed sign-in (wrong e-mail or password)");
    await expect(entries.first().getByRole("cell").nth(3)).toHaveText(email);
    await expect(entries).toHaveCount(wrongPasswords.length);
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
    await loginPage.signInFully(demoUser("admin"));
    await expect(page).toHaveURL("/admin/users");
    await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  });
});
