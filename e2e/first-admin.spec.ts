import { spawnSync } from "node:child_process";
import { e2eEnv } from "../playwright.config";
import { expect, test, uniqueEmail } from "./fixtures";
import { UsersPage } from "./pages/users-page";
import { codeAt, secretFromScreen } from "./support/second-factor";

/**
 * docs/production.md#first-admin: on a production install `npm run admin:create` makes the first admin, whose
 * temporary password leads through the sign-in steps: their own password, two-step sign-in, then the app.
 */

function adminCreate(email: string, name: string) {
  // As on a server: NODE_ENV=production, where `npm run db:seed` refuses, against the app's database.
  const run = spawnSync("npm", ["run", "-s", "admin:create", "--", "--email", email, "--name", name], {
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: e2eEnv.DATABASE_URL },
    encoding: "utf8",
  });
  expect(run.status, run.stderr).toBe(0);
  const password = /Temporary password: (\S+)/.exec(run.stdout)?.[1];
  if (!password) throw new Error(`No temporary password in:\n${run.stdout}`);
  return password;
}

test("npm run admin:create, then the admin signs in: own password, two-step sign-in, and the admin's pages", async ({ page, loginPage }) => {
  const admin = { name: `First Admin ${Date.now().toString(36)}`, email: uniqueEmail("first-admin") };
  const temporary = adminCreate(admin.email, admin.name);

  await loginPage.goto();
  await loginPage.signIn(admin.email, temporary);
  await expect(page.getByRole("heading", { name: "Choose your own password" })).toBeVisible();
  const own = "sawah-hijau-di-ubud-pagi-4";
  await page.getByLabel("Temporary password").fill(temporary);
  await page.getByLabel("New password", { exact: true }).fill(own);
  await page.getByLabel("New password again").fill(own);
  await page.getByRole("button", { name: "Change password" }).click();

  // An admin must have a second factor: enrolment comes before any page.
  await expect(page.getByRole("heading", { name: "Turn on two-step sign-in" })).toBeVisible();
  const secret = secretFromScreen(await page.getByTestId("totp-secret").innerText());
  await page.getByLabel("Code from your app").fill(codeAt(secret, Math.floor(Date.now() / 30_000)));
  await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  await expect(page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
  await page.getByLabel("I have saved these codes").check();
  await page.getByRole("link", { name: "Continue" }).click();

  const navigation = page.getByRole("navigation", { name: "Main" });
  await expect(navigation.getByRole("link", { name: "Users" })).toBeVisible();
  await expect(page.getByTestId("current-user-name")).toHaveText(admin.name);
  await navigation.getByRole("link", { name: "Users" }).click();
  await expect(new UsersPage(page).row(admin.email)).toContainText("Active");
  await expect(page.getByRole("combobox", { name: `Role of ${admin.name}` })).toHaveText("Admin");
});

test("npm run admin:create refuses an e-mail that is already a user: exit 2, nothing changed", async () => {
  const run = spawnSync("npm", ["run", "-s", "admin:create", "--", "--email", "ADMIN@demo.test", "--name", "Someone Else"], {
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: e2eEnv.DATABASE_URL },
    encoding: "utf8",
  });
  expect(run.status).toBe(2);
  expect(run.stderr).toContain("Nothing created: A user with this e-mail already exists (admin@demo.test)");
});
