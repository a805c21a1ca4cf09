import type { ChildProcess } from "node:child_process";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { demoUser, expect, test, toasts } from "./fixtures";
import { LoginPage } from "./pages/login-page";
import { withE2eDatabase } from "./support/database";
import { languageState } from "./support/language";
import { freshDatabase, ownAppEnv, startApp } from "./support/own-app";

/**
 * docs/sign-in-addresses.md (issue 17): the sign-in allow-list. A saved list refuses sign-ins from every address it
 * does not admit, which would refuse the other spec files' sign-ins too: this spec runs its own app on its own port
 * and database (as e2e/crash.spec.ts does). Each browser sends its address as the trusted proxy's X-Forwarded-For.
 */
const appPort = 3160;
const app = `http://localhost:${appPort}`;
const databaseFile = "data/e2e-allow-list/app.db";

const env = {
  // Nothing here reaches Cash In: no mock is started, and nothing listens on port 4160.
  ...ownAppEnv({ appPort, mockPort: 4160, databaseFile }),
  TRUSTED_PROXY_HOPS: "1",
  SIGN_IN_DELAY_MS: "2000",
  NODE_OPTIONS: `--require ${process.cwd()}/scripts/peer-address.cjs`,
};

const office = "203.0.113.10";

function fromAddress(browser: Browser, address: string): Promise<BrowserContext> {
  return browser.newContext({ storageState: languageState("en"), extraHTTPHeaders: { "X-Forwarded-For": address } });
}

/** A fresh browser at the sign-in page, coming from `address`. */
async function signInFrom(browser: Browser, address: string): Promise<{ page: Page; login: LoginPage }> {
  const page = await (await fromAddress(browser, address)).newPage();
  const login = new LoginPage(page);
  await page.goto(`${app}/login`);
  return { page, login };
}

function savedList(): unknown {
  const row = withE2eDatabase((db) => db.prepare("select value from policies where key = 'sign_in_allow_list'").get(), databaseFile) as { value: string } | undefined;
  return row ? JSON.parse(row.value) : undefined;
}

function auditOf(action: string): { ip: string; after: string }[] {
  return withE2eDatabase((db) => db.prepare("select ip, after from audit_entries where action = ? order by id").all(action), databaseFile) as { ip: string; after: string }[];
}

test.describe("Sign-in addresses: who may sign in from where (docs/sign-in-addresses.md)", () => {
  test.describe.configure({ mode: "serial", timeout: 120_000 });
  let server: ChildProcess | undefined;
  let admin: Page;

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    freshDatabase("data/e2e-allow-list", env);
    server = await startApp(appPort, env);

    // The admin works from the office the whole time; the session stays open whatever the list says later.
    ({ page: admin } = await signInFrom(browser, office));
    await new LoginPage(admin).signInFully(demoUser("admin"), databaseFile);
  });

  test.afterAll(() => {
    server?.kill("SIGTERM");
  });

  test("an admin adds their own address and a range for staff; staff outside the list are refused with their address, inside let in", async ({ browser }) => {
    await admin.goto(`${app}/admin/sign-in-addresses`);
    await expect(admin.getByRole("heading", { name: "Sign-in addresses" })).toBeVisible();
    await expect(admin.getByText("No ranges: everyone may sign in from anywhere.")).toBeVisible();
    await expect(admin.getByText(`Your current address: ${office}`)).toBeVisible();
    await expect(admin.getByText(`Adds ${office}/32 for everyone.`)).toBeVisible();

    await admin.getByRole("button", { name: "Add my address" }).click();
    const first = admin.getByRole("group", { name: "Range 1" });
    await expect(first.getByLabel("Address or range")).toHaveValue(`${office}/32`);
    await expect(first.getByLabel("For")).toHaveValue("all");
    await expect(admin.getByRole("button", { name: "Add my address" })).toBeDisabled();

    await admin.getByRole("button", { name: "Add a range" }).click();
    const second = admin.getByRole("group", { name: "Range 2" });
    await second.getByLabel("Address or range").fill("198.51.100.0/24");
    await second.getByLabel("For").selectOption({ label: "Staff" });
    await second.getByLabel("Note (optional)").fill("Warehouse");
    await admin.getByRole("button", { name: "Save sign-in addresses" }).click();
    await expect(toasts(admin).getByText("Sign-in addresses saved: 2 ranges.")).toBeVisible();
    expect(savedList()).toEqual({
      rules: [
        { cidr: `${office}/32`, role: "all", note: "Added from my address" },
        { cidr: "198.51.100.0/24", role: "staff", note: "Warehouse" },
      ],
    });
    const changes = auditOf("policy.sign_in_allow_list");
    expect(changes).toHaveLength(1);
    expect(JSON.parse(changes[0]!.after)).toEqual(savedList());

    // Outside: the right password, refused, and told the address.
    const outside = await signInFrom(browser, "192.0.2.50");
    await outside.login.signIn(demoUser("staff").email, demoUser("staff").password);
    await expect(outside.login.alert).toHaveText("Signing in from 192.0.2.50 is not allowed for your account. Ask an admin to add your network.");
    await expect(outside.page).toHaveURL(/\/login/);
    // A wrong password from there says only that: the list is told to whoever has the password, nobody else.
    await outside.login.signIn(demoUser("staff").email, "not-the-password");
    await expect(outside.login.alert).toHaveText("Wrong e-mail or password.");
    await outside.page.context().close();

    // Inside the staff range, and through an IPv4-mapped address of it: let in.
    for (const address of ["198.51.100.20", "::ffff:198.51.100.21"]) {
      const inside = await signInFrom(browser, address);
      await inside.login.signInFully(demoUser("staff"), databaseFile);
      await inside.page.context().close();
    }

    const refusals = auditOf("auth.sign_in_refused_address");
    expect(refusals.map((r) => r.ip)).toEqual(["192.0.2.50"]);
    expect(JSON.parse(refusals[0]!.after)).toMatchObject({ address: "192.0.2.50", role: "staff" });
    // Counted as a failed sign-in: the admin's Sign-ins page shows it. The page groups per minute, so the two attempts
    // from there (refused, then the wrong password) are one row, or two when a minute turned between them (CI, 14:47
    // and 14:48): two failures in all.
    await admin.goto(`${app}/admin/sign-ins?email=staff%40demo.test`);
    const fromOutside = admin.getByRole("table", { name: "Failed sign-ins" }).getByRole("row").filter({ hasText: "192.0.2.50" });
    await expect(fromOutside.first()).toBeVisible();
    const wrongPasswords = await fromOutside.evaluateAll((rows) => rows.map((row) => Number((row as HTMLTableRowElement).cells[3]!.textContent)));
    expect(wrongPasswords.reduce((sum, n) => sum + n, 0)).toBe(2);
  });

  test("bad ranges are refused in the form, and a list that would lock the saving admin out is refused by the server: nothing saved", async () => {
    const before = savedList();
    await admin.goto(`${app}/admin/sign-in-addresses`);
    await admin.getByRole("button", { name: "Add a range" }).click();
    const third = admin.getByRole("group", { name: "Range 3" });
    await third.getByLabel("Address or range").fill("10.0.0.1/8");
    await admin.getByRole("button", { name: "Save sign-in addresses" }).click();
    await expect(third.getByText("10.0.0.1/8 is not the start of a range: type 10.0.0.0/8 for the whole range, or 10.0.0.1/32 for this one address")).toBeVisible();
    await third.getByLabel("Address or range").fill("the office");
    await admin.getByRole("button", { name: "Save sign-in addresses" }).click();
    await expect(third.getByText(/^“the office” is not an address or a range/)).toBeVisible();
    expect(savedList()).toEqual(before);

    // Admins only from elsewhere, and the office row gone: the admin saving it could not sign in again.
    await third.getByLabel("Address or range").fill("192.0.2.0/24");
    await third.getByLabel("For").selectOption({ label: "Admins" });
    await admin.getByRole("button", { name: "Remove range 1" }).click();
    await admin.getByRole("button", { name: "Save sign-in addresses" }).click();
    await expect(admin.getByRole("alert").filter({ hasText: "Not saved" })).toHaveText(
      `Not saved: this list would not let you sign in again from your current address, ${office}. Add a range that covers it for admins or for everyone.`,
    );
    expect(savedList()).toEqual(before);
    const refused = auditOf("policy.sign_in_allow_list_refused");
    expect(refused).toHaveLength(1);
    expect(JSON.parse(refused[0]!.after)).toMatchObject({ address: office, rules: [{ cidr: "198.51.100.0/24" }, { cidr: "192.0.2.0/24", role: "admin" }] });
  });

  test("IPv6: a range for managers admits a manager inside it and refuses one outside; the helper adds an IPv6 admin's /64", async ({ browser }) => {
    await admin.goto(`${app}/admin/sign-in-addresses`);
    await admin.getByRole("button", { name: "Add a range" }).click();
    const third = admin.getByRole("group", { name: "Range 3" });
    await third.getByLabel("Address or range").fill("2001:DB8:17:0::/48");
    await third.getByLabel("For").selectOption({ label: "Managers" });
    await admin.getByRole("button", { name: "Save sign-in addresses" }).click();
    await expect(toasts(admin).getByText("Sign-in addresses saved: 3 ranges.")).toBeVisible();
    await expect(third.getByLabel("Address or range")).toHaveValue("2001:db8:17::/48");

    const outside = await signInFrom(browser, "2001:db8:18::5");
    await outside.login.signIn(demoUser("manager").email, demoUser("manager").password);
    await expect(outside.login.alert).toHaveText("Signing in from 2001:db8:18::5 is not allowed for your account. Ask an admin to add your network.");
    await outside.page.context().close();
    const inside = await signInFrom(browser, "2001:db8:17:a::5");
    await inside.login.signInFully(demoUser("manager"), databaseFile);
    await inside.page.context().close();

    // The same admin session, now coming from an IPv6 network: the guard and the helper follow the address.
    await admin.context().setExtraHTTPHeaders({ "X-Forwarded-For": "2001:db8:42:1:abcd::9" });
    await admin.goto(`${app}/admin/sign-in-addresses`);
    await expect(admin.getByText("Your current address: 2001:db8:42:1:abcd::9")).toBeVisible();
    await admin.getByRole("button", { name: "Save sign-in addresses" }).click();
    await expect(admin.getByRole("alert").filter({ hasText: "Not saved" })).toContainText("your current address, 2001:db8:42:1:abcd::9.");
    await admin.getByRole("button", { name: "Add my address" }).click();
    await expect(admin.getByRole("group", { name: "Range 4" }).getByLabel("Address or range")).toHaveValue("2001:db8:42:1::/64");
    await admin.getByRole("button", { name: "Save sign-in addresses" }).click();
    await expect(toasts(admin).getByText("Sign-in addresses saved: 4 ranges.")).toBeVisible();
    await admin.context().setExtraHTTPHeaders({ "X-Forwarded-For": office });
  });
});
