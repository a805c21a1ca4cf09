import type { APIRequestContext, Page } from "@playwright/test";
import { demoUser, expect, test, toasts } from "./fixtures";
import { createFreshUser, invokeAction, serverActions as actions, signedInClient, submitTransfer } from "./support/actions";
import { LoginPage } from "./pages/login-page";
import { withE2eDatabase } from "./support/database";
import { languageState } from "./support/language";
import { uniquePhone } from "./support/seed";

/*
 * docs/notifications.md: the live badges and self-refreshing approvals list, the mails the e2e app keeps (it has
 * no SMTP_URL) on the admin's Mail page, and the switches on My account. The SMTP side is proven against a real
 * SMTP server in test/notifications/.
 */

/** An amount above the approval threshold (Rp 5.000.000) no other test uses. */
const awaitingAmount = () => 7_600_000 + Math.floor(Math.random() * 300_000);

/** The Approvals badge as the sidebar shows it (0 when there is none). */
async function approvalsBadge(page: Page): Promise<number> {
  const badge = page.getByRole("navigation", { name: "Main" }).getByTestId("nav-count-approvals");
  if ((await badge.count()) === 0) return 0;
  const shown = (await badge.locator("[aria-hidden]").textContent()) ?? "";
  return shown === "99+" ? 100 : Number(shown);
}

/** What the page lists that this manager may decide: transfers with an Approve button, batches to review. */
async function decidable(page: Page): Promise<number> {
  const transfers = await page.getByRole("button", { name: /^Approve TRF/ }).count();
  const batches = await page.locator('[data-testid^="approval-batch-"]').getByRole("link", { name: "Review" }).count();
  return transfers + batches;
}

// One admin and one manager session for the file: each sign-in of theirs spends a two-step code, and other
// specs' sign-ins wait when the codes of the moment are spent.
let admin: APIRequestContext;
let manager: APIRequestContext;
test.beforeAll(async () => {
  admin = await signedInClient(demoUser("admin"));
  manager = await signedInClient(demoUser("manager"));
});
test.afterAll(async () => {
  await admin?.dispose();
  await manager?.dispose();
});

/** A staff member of their own, signed in: their transfers count against their own daily total. */
async function freshMaker() {
  return signedInClient(await createFreshUser(admin, "staff", "maker"));
}

function mailRow(page: Page, to: string, subject: string) {
  return page.getByTestId("mail").filter({ has: page.getByTestId("mail-to").getByText(to, { exact: true }) }).filter({ has: page.getByTestId("mail-subject").getByText(subject, { exact: true }) });
}

test.describe("In the app: badges and a list that refreshes itself", () => {
  test("the Approvals badge counts what the manager may decide, and a transfer submitted in another browser appears without a reload", async ({ page, signInAs }) => {
    await signInAs("manager");
    await page.goto("/approvals");
    // One render: the badge and the list come from the same request.
    expect(await approvalsBadge(page)).toBe(await decidable(page));
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    // Someone else, in their own browser, submits a transfer that needs approval (a maker of their own: the demo
    // staff's daily total belongs to the other specs).
    const staff = await freshMaker();
    try {
      const { reference } = await submitTransfer(staff, { wallet: "DANA", phone: uniquePhone(), amount: awaitingAmount() });
      await expect(page.getByTestId(`approval-${reference}`)).toBeVisible({ timeout: 25_000 });
      await expect(page.getByTestId("queue-refreshed")).toHaveText("The queue changed: the list is up to date.");
      // No reload happened: the page's own state is still there.
      expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
      // The badge follows the list (both read again by the poll and the refresh; other tests may add to both).
      await expect(async () => expect(await approvalsBadge(page)).toBe(await decidable(page))).toPass({ timeout: 25_000 });
    } finally {
      await staff.dispose();
    }
  });

  test("after 20 minutes without a key or a click the list only offers to refresh, so an unattended session still idles out", async ({ page, signInAs }) => {
    await signInAs("manager");
    await page.clock.install();
    await page.goto("/approvals");
    const staff = await freshMaker();
    try {
      const { reference } = await submitTransfer(staff, { wallet: "DANA", phone: uniquePhone(), amount: awaitingAmount() });
      await page.clock.fastForward("21:00");
      const offer = page.getByRole("button", { name: "Show the current queue" });
      await expect(offer).toBeVisible({ timeout: 15_000 });
      await expect(page.getByTestId(`approval-${reference}`)).toHaveCount(0);
      await offer.click();
      await expect(page.getByTestId(`approval-${reference}`)).toBeVisible();
    } finally {
      await staff.dispose();
    }
  });

  test("the badge poll answers only a signed-in person, and never extends the session's idle time", async ({ page, signInAs, request }) => {
    const anonymous = await request.get("/api/badges");
    expect(anonymous.status()).toBe(401);

    await signInAs("admin");
    const poll = await page.request.get("/api/badges");
    expect(poll.status()).toBe(200);
    expect(await poll.json()).toEqual({ attention: { count: expect.any(Number) }, sending: { paused: false } });
    // A page request re-issues the session cookie with a fresh 30 minutes; the poll does not touch it.
    expect(poll.headers()["set-cookie"] ?? "").not.toMatch(/authjs\.session-token/);
    const pageLoad = await page.request.get("/");
    expect(pageLoad.headers()["set-cookie"] ?? "").toMatch(/authjs\.session-token/);
  });
});

test.describe("Mails without an SMTP server: kept on the admin's Mail page", () => {
  test("a maker's approved transfer produces their mail, readable by an admin; a kind turned off on My account produces none", async ({ page, browser }) => {
    const told = await createFreshUser(admin, "staff", "told");
    const quiet = await createFreshUser(admin, "staff", "quiet");
    // The quiet one turns "approved or rejected" off on My account, in their own browser.
    const context = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": "198.51.100.77" }, storageState: languageState("en") });
    const quietPage = await context.newPage();
    const login = new LoginPage(quietPage);
    await login.goto();
    await login.signInFully(quiet);
    await quietPage.goto("/account#mail");
    const decided = quietPage.getByRole("checkbox", { name: /My transfer or batch was approved or rejected/ });
    await expect(decided).toBeChecked();
    await expect(quietPage.getByRole("checkbox", { name: /Something waits for my approval/ })).toHaveCount(0);
    await decided.uncheck();
    await quietPage.getByRole("button", { name: "Save notifications" }).click();
    await expect(toasts(quietPage).getByText("Notifications saved")).toBeVisible();
    await quietPage.reload();
    await expect(quietPage.getByRole("checkbox", { name: /My transfer or batch was approved or rejected/ })).not.toBeChecked();
    await context.close();
    expect(withE2eDatabase((db) => (db.prepare("select mail_off from users where id = ?").get(quiet.id) as { mail_off: string }).mail_off)).toBe('["decided"]');

    const made = await Promise.all(
      [told, quiet].map(async (person) => {
        const client = await signedInClient(person);
        try {
          return await submitTransfer(client, { wallet: "DANA", phone: uniquePhone(), amount: awaitingAmount() });
        } finally {
          await client.dispose();
        }
      }),
    );
    for (const { transferId } of made) {
      const reply = await invokeAction(manager, actions.approveTransfer, { transferId });
      expect(reply.result, JSON.stringify(reply)).toMatchObject({ ok: true });
    }
    const [toldTransfer, quietTransfer] = made;

    // The file's admin session in this browser: a second sign-in would wait for a two-step code other specs may have spent.
    await page.context().addCookies((await admin.storageState()).cookies);
    await page.goto("/admin/mail");
    await expect(page.getByTestId("mail-setup")).toContainText("No mail server is configured");
    // In the maker's language: Indonesian, the default, since they never chose one.
    const mail = mailRow(page, told.email, `${toldTransfer!.reference} telah disetujui`);
    await expect(async () => {
      await page.reload();
      await expect(mail).toHaveCount(1, { timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await mail.getByText("Read the mail").click();
    await expect(mail.getByTestId("mail-text")).toContainText(`disetujui oleh ${demoUser("manager").name}`);
    await expect(mail.getByTestId("mail-text")).toContainText(`/transfers/${toldTransfer!.transferId}`);

    // The quiet one's notice was skipped, not kept.
    await expect
      .poll(() => withE2eDatabase((db) => (db.prepare("select state from notifications where user_id = ? and event = 'transfer.approved'").get(quiet.id) as { state: string } | undefined)?.state), { timeout: 20_000 })
      .toBe("skipped");
    await expect(page.getByTestId("mail-to").getByText(quiet.email, { exact: true })).toHaveCount(0);
    expect(quietTransfer!.reference).toMatch(/^TRF/);
  });
});
