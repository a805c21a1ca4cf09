import type { BrowserContext } from "@playwright/test";
import { demoUser, expect, test } from "./fixtures";
import { LoginPage } from "./pages/login-page";
import { actionId, apiClient, callAction, createFreshUser, signedInClient } from "./support/actions";
import { withE2eDatabase } from "./support/database";

/*
 * docs/language.md#choosing-the-language: the language is the `locale` cookie; the sign-in pages' switcher
 * sets it, My account saves it on the person, and at sign-in a saved choice becomes the cookie. Anything but
 * "id" or "en" is Indonesian.
 */

const localeCookie = async (context: BrowserContext) => (await context.cookies()).find((cookie) => cookie.name === "locale")?.value;

test.describe("Choosing the language (docs/language.md#choosing-the-language)", () => {
  test("an unknown language in the cookie is Indonesian; the sign-in page's switcher chooses English, and only a known language", async ({
    page,
    context,
  }) => {
    await context.addCookies([{ name: "locale", value: "fr", domain: "localhost", path: "/", httpOnly: false, secure: false, sameSite: "Lax" }]);
    await page.goto("/login");
    await expect(page.locator("html")).toHaveAttribute("lang", "id");
    await expect(page.getByRole("heading", { level: 1, name: "Masuk" })).toBeVisible();
    await expect(page.getByLabel("Kata sandi")).toBeVisible();
    await expect(page.getByRole("button", { name: "Masuk" })).toBeVisible();

    const switcher = page.getByRole("navigation", { name: "Bahasa" });
    await switcher.getByRole("button", { name: "English" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
    await expect(page.getByLabel("Password")).toBeVisible();
    expect(await localeCookie(context)).toBe("en");

    // The switcher's form posts whatever its field says: a forged value is Indonesian, never stored as sent.
    const english = page.getByRole("navigation", { name: "Language" });
    await english.locator('input[name="locale"]').evaluate((input: HTMLInputElement) => {
      input.value = "fr";
    });
    await english.getByRole("button", { name: "Bahasa Indonesia" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "id");
    expect(await localeCookie(context)).toBe("id");
  });

  test("the switcher's action called without its form sets Indonesian, whatever it is sent", async () => {
    const client = await apiClient();
    try {
      const reply = await callAction(client, "/login", actionId("app/login/actions.ts", "chooseSignInLanguageAction"), ["en"]);
      expect(reply.status).toBe(200);
      const { cookies } = await client.storageState();
      expect(cookies.find((cookie) => cookie.name === "locale")?.value).toBe("id");
    } finally {
      await client.dispose();
    }
  });

  test("a language chosen on My account is saved, audited, and wins at the next sign-in over another browser's cookie", async ({
    page,
    context,
    signInAs,
    browser,
    clientIp,
  }) => {
    test.setTimeout(90_000);
    // A fresh person: the demo users' saved language would change what other specs read.
    const admin = await signedInClient(demoUser("admin"));
    const person = await createFreshUser(admin, "staff", "language");
    await admin.dispose();

    // Nothing saved yet: the browser's cookie (English) decides.
    await signInAs(person);
    await page.goto("/account");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    const section = page.getByRole("region", { name: "Language" });
    await expect(section.getByRole("radio", { name: "English" })).toBeChecked();
    await section.getByRole("radio", { name: "Bahasa Indonesia" }).check();
    await section.getByRole("button", { name: "Save language" }).click();

    await expect(page.locator("html")).toHaveAttribute("lang", "id");
    await expect(page.getByRole("heading", { level: 1, name: "Akun saya" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Bahasa" }).getByRole("radio", { name: "Bahasa Indonesia" })).toBeChecked();
    expect(await localeCookie(context)).toBe("id");
    const saved = withE2eDatabase((db) => db.prepare("select id, locale from users where email = ?").get(person.email)) as { id: number; locale: string };
    expect(saved.locale).toBe("id");
    const audit = withE2eDatabase((db) =>
      db.prepare("select before, after from audit_entries where action = 'user.language' and actor_id = ? and target_id = ?").all(saved.id, String(saved.id)),
    ) as { before: string; after: string }[];
    expect(audit.map((entry) => [JSON.parse(entry.before), JSON.parse(entry.after)])).toEqual([[{ locale: null }, { locale: "id" }]]);

    // Other pages follow, and signing out keeps the language.
    await page.goto("/transfers");
    await expect(page.locator("html")).toHaveAttribute("lang", "id");
    await page.getByRole("button", { name: "Keluar", exact: true }).click();
    await expect(page).toHaveURL(/\/login\?reason=signed-out/);
    await expect(page.getByText("Anda sudah keluar.")).toBeVisible();

    // Another browser whose cookie says English: the saved choice wins once the password is accepted.
    const other = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": clientIp } });
    try {
      const otherPage = await other.newPage();
      const login = new LoginPage(otherPage);
      await login.goto();
      await expect(otherPage.locator("html")).toHaveAttribute("lang", "en");
      await login.signIn(person.email, person.password);
      await expect(otherPage.getByRole("navigation", { name: "Utama" })).toBeVisible();
      await expect(otherPage.locator("html")).toHaveAttribute("lang", "id");
      expect(await localeCookie(other)).toBe("id");
    } finally {
      await other.close();
    }
  });
});
