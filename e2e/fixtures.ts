import { test as base, expect, type Page } from "@playwright/test";
import { demoUsers } from "../db/demo-users";
import { LoginPage } from "./pages/login-page";
import type { Credentials } from "./support/actions";

export type DemoRole = (typeof demoUsers)[number]["role"];

let addressesUsed = 0;

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
  signInAs: async ({ page, loginPage }, use) => {
    await use(async (who) => {
      const credentials: Credentials = typeof who === "string" ? demoUser(who) : who;
      await loginPage.goto();
      // Managers and admins (and anyone enrolled) go through the second factor, like a person with their phone.
      await loginPage.signInFully(credentials);
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
