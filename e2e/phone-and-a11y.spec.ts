import { randomInt } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import type { Locale } from "../lib/i18n/locales";
import { demoUser, expect, test, uniqueEmail, type DemoRole } from "./fixtures";
import { BatchPage } from "./pages/batch-page";
import { LoginPage } from "./pages/login-page";
import { invokeAction, serverActions } from "./support/actions";
import { languageState, setLanguage } from "./support/language";
import { seedTransfers, uniquePhone, uniqueReference, uniqueWord } from "./support/seed";

/*
 * Issue 15: every signed-in page at phone width (390 × 844) and on a desktop (1280 × 800), in both
 * languages, fits the screen (no sideways scrolling) and has no serious or critical axe-core violation of
 * WCAG 2.1/2.2 A and AA. So do the sign-in steps: the sign-in page, the code step, and a new manager's first
 * sign-in (choosing their own password, then enrolling the authenticator app). Problems are collected over all
 * pages of a test, so one run names them all. Each test takes three pages; Recipients, a transfer and a batch share
 * one that first makes a saved recipient, a transfer and a batch to show.
 */

const sizes = [
  { name: "390 px", width: 390, height: 844 },
  { name: "1280 px", width: 1280, height: 800 },
] as const;

const wcag = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

type Problem = string;

async function inspect(page: Page, path: string, locale: Locale): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const size of sizes) {
    await page.setViewportSize({ width: size.width, height: size.height });
    const response = await page.goto(path);
    await page.locator("h1").first().waitFor();
    await expect(page.getByTestId("page-skeleton")).toHaveCount(0);
    const where = `${path} at ${size.name} (${locale})`;
    if (response && response.status() >= 400 && !path.startsWith("/no-such")) problems.push(`${where}: HTTP ${response.status()}`);
    expect(await page.locator("html").getAttribute("lang"), where).toBe(locale);
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    if (widths.scroll > widths.inner) problems.push(`${where}: ${widths.scroll - widths.inner} px wider than the screen`);
    const { violations } = await new AxeBuilder({ page }).withTags(wcag).analyze();
    for (const violation of violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
      const targets = violation.nodes.slice(0, 3).map((node) => node.target.join(" ")).join(", ");
      problems.push(`${where}: ${violation.impact} ${violation.id} (${violation.nodes.length}×: ${targets})`);
    }
  }
  return problems;
}

const pagesOf: Record<DemoRole, string[]> = {
  staff: ["/", "/transfers/new", "/transfers", "/batches", "/account", "/no-such-page"],
  manager: ["/approvals", "/attention"],
  admin: ["/admin/users", "/admin/limits", "/admin/tiers", "/admin/audit", "/admin/sign-ins", "/admin/sign-in-addresses", "/admin/api-keys", "/admin/mail", "/admin/sending", "/admin/webhooks", "/attention"],
};

function inGroupsOf<T>(size: number, list: readonly T[]): T[][] {
  return Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size));
}

for (const locale of ["id", "en"] as const) {
  test.describe(`Every page fits a phone and passes axe (${locale})`, () => {
    // A few pages per test (both sizes, axe at each), the two workers sharing them: a failure names its pages, and no
    // test grows with the app's page count (one test per role took 3 minutes beside the other worker).
    test.describe.configure({ mode: "parallel", timeout: 120_000 });

    for (const role of ["staff", "manager", "admin"] as const) {
      for (const paths of inGroupsOf(3, pagesOf[role])) {
        test(`${role}: ${paths.join(", ")} (${locale})`, async ({ page, context, signInAs }) => {
          await signInAs(role);
          await setLanguage(context, locale);
          const problems: Problem[] = [];
          for (const path of paths) problems.push(...(await inspect(page, path, locale)));
          expect(problems).toEqual([]);
        });
      }
    }

    test(`staff: a transfer, a batch and saved recipients (${locale})`, async ({ page, context, signInAs }) => {
      const reference = uniqueReference();
      seedTransfers([{ reference, ownerName: uniqueWord("Axe "), status: "failed" }]);
      await signInAs("staff");
      // The batch is made through the English page object, then the pages are read in the language under test.
      const batches = new BatchPage(page);
      await batches.gotoUpload();
      const batch = await batches.upload("axe.csv", "wallet,phone,amount,note\nDANA,081234567890,50000,June allowance\nOVO,0811-1000-001,75000,\n");
      // A saved recipient, so that Recipients shows its cards and table rather than the empty list.
      const recipient = { label: uniqueWord("Axe "), wallet: "DANA", phone: uniquePhone(), defaultAmount: "50.000", defaultMemo: "Gaji" };
      expect((await invokeAction(page.request, serverActions.saveRecipient, recipient)).result).toMatchObject({ ok: true });
      const transferId = await page.evaluate(async (ref) => {
        const html = await (await fetch(`/transfers?q=${ref}`)).text();
        return /\/transfers\/(\d+)/.exec(html)?.[1];
      }, reference);
      await setLanguage(context, locale);
      const problems: Problem[] = [];
      for (const path of ["/recipients", `/transfers/${transferId}`, `/batches/${batch.id}`]) problems.push(...(await inspect(page, path, locale)));
      expect(problems).toEqual([]);
    });

    test(`the sign-in page, its code step and the API reference (${locale})`, async ({ page, context, loginPage }) => {
      await setLanguage(context, locale);
      expect(await inspect(page, "/login", locale)).toEqual([]);
      // The API's reference is public too (docs/api.md).
      expect(await inspect(page, "/docs/api", locale)).toEqual([]);
      // A manager's password accepted: the step that asks for the code from the phone.
      await setLanguage(context, "en");
      await loginPage.goto();
      const manager = demoUser("manager", 1);
      await loginPage.signIn(manager.email, manager.password);
      await expect(page).toHaveURL(/\/login\/code/);
      await setLanguage(context, locale);
      expect(await inspect(page, "/login/code", locale)).toEqual([]);
    });

    test(`a new manager's first sign-in: own password, then enrolment (${locale})`, async ({ page: adminPage, browser, clientIp, signInAs }) => {
      // An admin creates the manager with a temporary password (the users screen's action, in the admin's session).
      await signInAs("admin");
      const manager = { name: "E2E axe first sign-in", email: uniqueEmail("axe-first"), role: "manager", password: "temporary-Merapi-4821" };
      expect((await invokeAction(adminPage.request, serverActions.createUser, manager)).result).toMatchObject({ ok: true });

      // The manager in a browser of their own: nothing of the admin's session can come back into it.
      const context = await browser.newContext({ storageState: languageState("en"), viewport: { width: 1280, height: 800 }, extraHTTPHeaders: { "X-Forwarded-For": clientIp } });
      const page = await context.newPage();
      const loginPage = new LoginPage(page);

      // The temporary password accepted: the step that asks for the manager's own password.
      await loginPage.goto();
      await loginPage.signIn(manager.email, manager.password);
      await expect(page).toHaveURL(/\/login\/password/);
      await setLanguage(context, locale);
      const problems = await inspect(page, "/login/password", locale);

      // Their own password chosen (what that page's form posts): the step that sets up the authenticator app.
      const own = `${manager.password}-own-Merbabu-${randomInt(1_000_000)}`;
      const changed = await invokeAction(page.request, serverActions.changePassword, { currentPassword: manager.password, newPassword: own, confirmPassword: own });
      expect(changed.result).toMatchObject({ ok: true });
      problems.push(...(await inspect(page, "/login/enrol", locale)));
      await expect(page.getByTestId("totp-secret")).toBeVisible();
      expect(problems).toEqual([]);
      await context.close();
    });
  });
}

test.describe("The navigation on a phone", () => {
  test("lives in a drawer that opens from the top bar and closes when a page is chosen", async ({ page, signInAs }) => {
    await signInAs("staff");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/");
    const navigation = page.getByRole("navigation", { name: "Main" });
    await expect(navigation).toBeHidden();
    await page.getByRole("button", { name: "Open menu" }).click();
    await expect(navigation).toBeVisible();
    await navigation.getByRole("link", { name: "History" }).click();
    await expect(page).toHaveURL(/\/transfers$/);
    await expect(navigation).toBeHidden();
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  });

  test("an unknown address shows the 404 inside the app, with the navigation", async ({ page, signInAs }) => {
    await signInAs("staff");
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  });
});
