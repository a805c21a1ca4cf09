import { test as base, expect, type Cookie, type Page } from "@playwright/test";
import { demoUsers } from "../db/demo-users";
import { LoginPage } from "./pages/login-page";
import { totpSecretOf, type Credentials } from "./support/actions";

export type DemoRole = (typeof demoUsers)[number]["role"];

let addressesUsed = 0;

/** Sessions of people with a second factor, kept per worker (see signInAs). */
const keptSessions = new Map<string, { cookies: Cookie[]; provedAt: number }>();

/**
 * Every test browses from its own client address (the app reads it from X-Forwarded-For, as behind a
 * proxy), so the sign-in throttling of one test never locks out another.
 */
export const test = base.extend<{ clientIp: string; loginPage: LoginPage; signInAs: (who: DemoRole | Credentials) => Promise<Page> }>({
  clientIp: async ({}, use, testInfo) => {
    // Never the same address twice in a run (a random one could meet an address another test just locked
    // with five failed sign-ins): each worker counts its own block of 5,000.
    const n = testInfo.workerIndex * 5_000 + ++addressesUsed;
    await use(`198.${51 + Math.floor(n / 62_500)}.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`);
  },
  context: async ({ context, clientIp }, use) => {
    await context.setExtraHTTPHeaders({ "X-Forwarded-For": clientIp });
    await use(context);
  },
  // Every page of every test must work under the Content-Security-Policy: a violation fails the test.
  page: async ({ page }, use) => {
    const violations: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" && /Content.Security.Policy/i.test(message.text())) violations.push(message.text());
    });
    await use(page);
    expect(violations, "Content-Security-Policy violations").toEqual([]);
  },
  loginPage: async ({ page }, use) => {
    await use(new LoginPage(page));
  },
  signInAs: async ({ page, loginPage, context }, use) => {
    await use(async (who) => {
      const credentials: Credentials = typeof who === "string" ? demoUser(who) : who;
      const secret = totpSecretOf(credentials);
      // A person with a second factor signs in through it (password, then the code from the phone) once per
      // worker; later tests of that worker go on in that session, as a person keeps one browser open. A code
      // is accepted once per 30-second step per user, so signing in again for every test would mostly wait.
      // Kept for 4 minutes only: a session proved its code less than 5 minutes ago needs no new code to
      // approve or change settings (docs/sign-in.md#step-up), and each test gets such a session.
      const kept = secret ? keptSessions.get(credentials.email) : undefined;
      if (kept && Date.now() - kept.provedAt < 4 * 60_000) {
        await context.addCookies(kept.cookies);
        await page.goto("/");
        if (await page.getByRole("navigation", { name: "Main" }).isVisible()) return page;
        keptSessions.delete(credentials.email);
        const language = (await context.cookies()).find((cookie) => cookie.name === "locale");
        await context.clearCookies();
        if (language) await context.addCookies([language]);
      }
      await loginPage.goto();
      await loginPage.signInFully(credentials);
      if (secret) keptSessions.set(credentials.email, { cookies: await context.cookies(), provedAt: Date.now() });
      return page;
    });
  },
});

export function demoUser(role: DemoRole, index = 0) {
  const user = demoUsers.filter((u) => u.role === role)[index];
  if (!user) throw new Error(`No demo ${role} #${index}`);
  return user;
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}@e2e.test`;
}

export { expect };

/** The visible toasts (Radix also writes an off-screen copy for screen readers, outside this region). */
export function toasts(page: Page) {
  return page.getByRole("region", { name: /Notifications/ });
}
