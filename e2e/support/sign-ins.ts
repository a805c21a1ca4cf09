import type { Browser, Page } from "@playwright/test";
import { hashPassword } from "../../lib/auth/password";
import { LoginPage } from "../pages/login-page";
import { languageState } from "./language";
import { uniqueEmail } from "../fixtures";
import { invokeAction, serverActions, type ActionReply } from "./actions";
import { withE2eDatabase } from "./database";

/**
 * A staff member of the test's own, written straight into the e2e database with a password that is not
 * temporary: a throttling test can slow their sign-in down without slowing down anyone another test uses.
 */
export async function seedStaffMember(prefix: string): Promise<{ email: string; password: string }> {
  const user = { email: uniqueEmail(prefix), password: `${prefix}-own-password` };
  const passwordHash = await hashPassword(user.password);
  const now = Date.now();
  withE2eDatabase((db) =>
    db
      .prepare("insert into users (name, email, role, password_hash, created_at, updated_at) values (?, ?, 'staff', ?, ?, ?)")
      .run(`E2E ${prefix}`, user.email, passwordHash, now, now),
  );
  return user;
}

/**
 * A sign-in posted the way the login form posts it, from a client address of the test's choosing and without a browser;
 * in English, as the suite's browsers read the app (the sign-in answers in the language of the `locale` cookie).
 */
export function signInFrom(address: string, credentials: { email: string; password: string }): Promise<ActionReply> {
  return invokeAction({ cookie: "locale=en", forwardedFor: address }, serverActions.signIn, { ...credentials, callbackUrl: "/" });
}

/** An address block of this test alone (198.18.0.0/15 is reserved for tests), `.1` to `.254`. */
export function addressBlock(): (host: number) => string {
  const block = `198.${18 + Math.floor(Math.random() * 2)}.${Math.floor(Math.random() * 256)}`;
  return (host) => `${block}.${host}`;
}

/** A second person in a browser of their own (another address, the interface in English), fully signed in. */
export async function signInElsewhere(browser: Browser, who: { email: string; password: string }, address: string): Promise<Page> {
  const context = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": address }, storageState: languageState("en") });
  const page = await context.newPage();
  const login = new LoginPage(page);
  await login.goto();
  await login.signInFully(who);
  return page;
}
