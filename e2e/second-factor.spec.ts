import type { APIRequestContext, Page } from "@playwright/test";
import { demoUser, expect, test, uniqueEmail } from "./fixtures";
import { openApproval } from "./pages/approvals";
import { UsersPage } from "./pages/users-page";
import type { LoginPage } from "./pages/login-page";
import { createFreshUser, invokeAction, serverActions, signedInClient, submitTransfer, type Credentials } from "./support/actions";
import { withE2eDatabase } from "./support/database";
import { codeAt, secretFromScreen, withFreshCode } from "./support/second-factor";

/*
 * docs/sign-in.md: people who move money prove who they are with a code from their phone; the tests are the
 * phone (they compute codes from the secret the enrolment page shows).
 */

const step = () => Math.floor(Date.now() / 30_000);

// One admin session for the whole file (each sign-in spends one of the admin's codes, accepted once per 30 s),
// and room for the waits for a fresh code: these tests sign several people in through every step.
let adminSession: APIRequestContext | undefined;
const admin = async () => (adminSession ??= await signedInClient(demoUser("admin")));
test.afterAll(async () => {
  await adminSession?.dispose();
  adminSession = undefined;
});
test.beforeEach(() => test.setTimeout(90_000));

function audited(email: string, action: string): number {
  return withE2eDatabase(
    (db) =>
      (db.prepare("select count(*) n from audit_entries a join users u on u.id = a.target_id where a.target_type = 'user' and u.email = ? and a.action = ?").get(email, action) as { n: number }).n,
  );
}

/** A user an admin just created: temporary password, nothing else yet. */
async function createdByAdmin(role: "staff" | "manager" | "admin", prefix: string): Promise<Credentials & { name: string }> {
  const user = { name: `E2E ${prefix}`, email: uniqueEmail(prefix), role, password: "handed-out-temporary-1" };
  const reply = await invokeAction(await admin(), serverActions.createUser, user);
  expect(reply.result).toMatchObject({ ok: true });
  return user;
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByText("You are signed out.")).toBeVisible();
}

async function typeCode(loginPage: LoginPage, code: string) {
  await loginPage.code.fill(code);
  await loginPage.continue.click();
}

test.describe("Two-step sign-in (docs/sign-in.md#second-factor)", () => {
  test("a new manager chooses a password and enrols before any page; then password + code; wrong, reused and locked codes are refused; a recovery code works once", async ({
    page,
    loginPage,
  }) => {
    const manager = await createdByAdmin("manager", "enrol");

    // First sign-in: the temporary password must be replaced, then the authenticator set up.
    await loginPage.goto();
    await loginPage.signIn(manager.email, manager.password);
    await expect(page.getByRole("heading", { name: "Choose your own password" })).toBeVisible();
    await page.goto("/approvals");
    await expect(page).toHaveURL(/\/login\/password/);
    const own = "kopi-tubruk-di-pagi-hari-9";
    await page.getByLabel("Temporary password").fill(manager.password);
    await page.getByLabel("New password", { exact: true }).fill("password1234");
    await page.getByLabel("New password again").fill("password1234");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("This is very like a commonly used password.")).toBeVisible();
    await page.getByLabel("New password", { exact: true }).fill(own);
    await page.getByLabel("New password again").fill(own);
    await page.getByRole("button", { name: "Change password" }).click();

    await expect(page.getByRole("heading", { name: "Turn on two-step sign-in" })).toBeVisible();
    await expect(page.getByRole("img", { name: /QR code/ })).toBeVisible();
    const secret = secretFromScreen(await page.getByTestId("totp-secret").innerText());
    await page.getByLabel("Code from your app").fill("000000" === codeAt(secret, step()) ? "111111" : "000000");
    await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
    await expect(page.getByText("Wrong code")).toBeVisible();
    await page.getByLabel("Code from your app").fill(codeAt(secret, step()));
    await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
    const codes = page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
    await expect(codes).toHaveCount(10);
    const recovery = await codes.allInnerTexts();
    await expect(page.getByRole("link", { name: "Continue" })).toHaveCount(0);
    await page.getByLabel("I have saved these codes").check();
    await page.getByRole("link", { name: "Continue" }).click();
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    expect(audited(manager.email, "auth.second_factor_enrolled")).toBe(1);
    await signOut(page);

    // Password, then a wrong code, then the right one.
    await loginPage.signIn(manager.email, own);
    await expect(page).toHaveURL(/\/login\/code/);
    await page.goto("/transfers");
    await expect(page).toHaveURL(/\/login\/code/);
    await typeCode(loginPage, codeAt(secret, step() + 10));
    await expect(page.getByText("Wrong code.")).toBeVisible();
    let used = "";
    await withFreshCode(manager.email, secret, async (code) => {
      used = code;
      await typeCode(loginPage, code);
      await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
      return { accepted: true, value: undefined };
    });
    await signOut(page);

    // The same code again, while it is still inside its window, is refused: a code works once.
    await loginPage.signIn(manager.email, own);
    await typeCode(loginPage, used);
    await expect(page.getByText(/This code was already used|Wrong code/)).toBeVisible();
    expect(audited(manager.email, "auth.second_factor_refused")).toBeGreaterThanOrEqual(2);

    // A recovery code instead of the phone, once.
    await page.getByRole("button", { name: "Lost your phone? Use a recovery code" }).click();
    await typeCode(loginPage, recovery[0]!);
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    await page.goto("/account");
    await expect(page.getByTestId("second-factor-status")).toContainText("9 of 10 recovery codes left");
    await signOut(page);
    await loginPage.signIn(manager.email, own);
    await page.getByRole("button", { name: "Lost your phone? Use a recovery code" }).click();
    await typeCode(loginPage, recovery[0]!);
    await expect(page.getByText("This recovery code is wrong or was already used.")).toBeVisible();

    // Wrong codes lock the factor for 15 minutes: even the right code is refused then, and the admin sees it.
    await page.getByRole("button", { name: "Use the code from my app" }).click();
    for (let i = 0; i < 4; i++) {
      await typeCode(loginPage, codeAt(secret, step() + 20 + i));
      await expect(page.getByText(/Wrong code|Too many wrong codes/)).toBeVisible();
    }
    await expect(page.getByText(/Too many wrong codes: the second factor is locked until \d\d:\d\d WIB/)).toBeVisible();
    await typeCode(loginPage, codeAt(secret, step() + 1));
    await expect(page.getByText(/Too many wrong codes/)).toBeVisible();
    expect(audited(manager.email, "auth.second_factor_locked")).toBe(1);
    await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
  });

  test("a session that proved only the password reaches no page and no action", async () => {
    const staffLike = await createFreshUser(await admin(), "manager", "half-signed-in");
    const client = await (await import("./support/actions")).apiClient();
    const reply = await invokeAction(client, serverActions.signIn, { email: staffLike.email, password: staffLike.password, callbackUrl: "/" });
    expect(reply.redirect).toBe("/");
    const page = await client.get("/approvals", { maxRedirects: 0 });
    expect(page.status()).toBe(307);
    expect(page.headers()["location"]).toMatch(/^\/login\/code\?callbackUrl=%2Fapprovals/);
    const action = await invokeAction(client, serverActions.approveTransfer, { transferId: 1 });
    expect(action.redirect).toMatch(/^\/login\/code/);
    const exported = await client.get("/transfers/export", { maxRedirects: 0 });
    expect(exported.status()).toBe(401);
    await client.dispose();
  });

  test("an expired temporary password is refused with what to do", async ({ page, loginPage }) => {
    const staff = await createdByAdmin("staff", "expired");
    withE2eDatabase((db) => db.prepare("update users set temporary_password_expires_at = ? where email = ?").run(Date.now() - 1000, staff.email));
    await loginPage.goto();
    await loginPage.signIn(staff.email, staff.password);
    await expect(loginPage.alert).toHaveText("This temporary password has expired (they last 24 hours). Ask an admin for a new one.");
    await expect(page).toHaveURL(/\/login$/);
  });
});

test.describe("Step-up: a fresh code for approving (docs/sign-in.md#step-up)", () => {
  test("the server action refuses an approval without a code once the last one is 5 minutes old, even when the dialog is skipped; with a code it approves", async () => {
    const manager = await createFreshUser(await admin(), "manager", "step-up");
    const maker = await signedInClient(demoUser("staff"));
    const transfer = await submitTransfer(maker, { wallet: "DANA", phone: "081234567890", amount: 7_600_000 + Math.floor(Math.random() * 90_000) });
    await maker.dispose();
    expect(transfer.status).toBe("awaiting_approval");

    const client = await signedInClient(manager);
    withE2eDatabase((db) =>
      db.prepare("update sessions set second_factor_at = ? where user_id = ?").run(Date.now() - 6 * 60_000, manager.id),
    );
    const bare = await invokeAction(client, serverActions.approveTransfer, { transferId: transfer.transferId });
    expect(bare.result).toMatchObject({ ok: false, code: "step_up" });
    const wrong = await invokeAction(client, serverActions.approveTransfer, { transferId: transfer.transferId, secondFactorCode: "12345" });
    expect(wrong.result).toMatchObject({ ok: false, code: "step_up" });
    const status = () => withE2eDatabase((db) => (db.prepare("select status from transfers where id = ?").get(transfer.transferId) as { status: string }).status);
    expect(status()).toBe("awaiting_approval");

    const approved = await withFreshCode(manager.email, manager.totpSecret!, async (code) => {
      const reply = await invokeAction(client, serverActions.approveTransfer, { transferId: transfer.transferId, secondFactorCode: code });
      return { accepted: reply.result?.ok === true, value: reply };
    });
    expect(approved.result).toMatchObject({ ok: true });
    await expect.poll(status).toBe("succeeded");
    await client.dispose();
  });

  test("the approval dialog shows the recipient, amount and name check, and asks for the code when the last one is older than 5 minutes", async ({ page, signInAs }) => {
    const manager = await createFreshUser(await admin(), "manager", "dialog");
    const maker = await signedInClient(demoUser("staff"));
    const amount = 7_700_000 + Math.floor(Math.random() * 90_000);
    const { reference } = await submitTransfer(maker, { wallet: "OVO", phone: "081234567890", amount });
    await maker.dispose();

    await signInAs(manager);
    withE2eDatabase((db) => db.prepare("update sessions set second_factor_at = ? where user_id = ?").run(Date.now() - 6 * 60_000, manager.id));
    await page.goto("/approvals");
    const dialog = await openApproval(page, reference);
    await expect(dialog.getByRole("definition").filter({ hasText: "John" }).first()).toBeVisible();
    await expect(dialog).toContainText("OVO · ");
    await expect(dialog).toContainText("Name check");
    const send = dialog.getByRole("button", { name: "Approve and send" });
    await expect(send).toBeDisabled();
    await dialog.getByLabel("Code from your authenticator app").fill("000001");
    await send.click();
    await expect(dialog.getByText(/Wrong code|already used/)).toBeVisible();
    await withFreshCode(manager.email, manager.totpSecret!, async (code) => {
      await dialog.getByLabel("Code from your authenticator app").fill(code);
      await send.click();
      const reused = dialog.getByText("This code was already used");
      await expect.poll(async () => (await reused.isVisible()) || !(await dialog.isVisible())).toBe(true);
      return { accepted: !(await reused.isVisible()), value: undefined };
    });
    await expect(page.getByTestId(`approval-${reference}`)).toHaveCount(0);
    // The code just given covers the next approvals for 5 minutes: no field then.
    const second = await submitTransfer(await signedInClient(demoUser("staff")), { wallet: "OVO", phone: "081234567890", amount: amount + 1 });
    await page.reload();
    const next = await openApproval(page, second.reference);
    await expect(next.getByLabel("Code from your authenticator app")).toHaveCount(0);
    await next.getByRole("button", { name: "Cancel" }).click();
  });
});

test.describe("Step-up for changes without a dialog of their own", () => {
  test("an admin whose last code is older than 5 minutes is asked for one before a role changes; Cancel changes nothing", async ({ page, signInAs }) => {
    const freshAdmin = await createFreshUser(await admin(), "admin", "step-up-admin");
    const subject = await createFreshUser(await admin(), "staff", "step-up-subject");
    await signInAs(freshAdmin);
    withE2eDatabase((db) => db.prepare("update sessions set second_factor_at = ? where user_id = ?").run(Date.now() - 6 * 60_000, freshAdmin.id));
    await page.goto("/admin/users");
    const role = page.getByRole("combobox", { name: `Role of ${subject.name}` });
    const change = async () => {
      await role.click();
      await page.getByRole("option", { name: "Manager" }).click();
    };
    await change();
    const prompt = page.getByRole("dialog", { name: "Confirm it is you" });
    await expect(prompt).toBeVisible();
    await prompt.getByRole("button", { name: "Cancel" }).click();
    await page.reload();
    await expect(role).toHaveText("Staff");

    await change();
    await withFreshCode(freshAdmin.email, freshAdmin.totpSecret!, async (code) => {
      await prompt.getByLabel("Code from your authenticator app").fill(code);
      await prompt.getByRole("button", { name: "Confirm" }).click();
      const reused = prompt.getByText("This code was already used");
      await expect.poll(async () => (await reused.isVisible()) || !(await prompt.isVisible())).toBe(true);
      return { accepted: !(await reused.isVisible()), value: undefined };
    });
    await expect(page.getByText(`${subject.name} is now manager`).first()).toBeVisible();
  });
});

test.describe("Admins manage second factors; people manage their own account", () => {
  test("an admin resets a manager's second factor: their session ends, they enrol again, and cannot approve for 24 h", async ({ page, signInAs, browser }) => {
    const manager = await createFreshUser(await admin(), "manager", "reset");
    const theirs = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": "192.0.2.171" } });
    const theirPage = await theirs.newPage();
    const { LoginPage } = await import("./pages/login-page");
    const theirLogin = new LoginPage(theirPage);
    await theirLogin.goto();
    await theirLogin.signInFully(manager);

    await signInAs("admin");
    await page.goto("/admin/users");
    const row = new UsersPage(page).row(manager.email);
    await expect(row.getByTestId("sign-in-state")).toContainText("Two-step on");
    await row.getByRole("button", { name: `Reset two-step sign-in of ${manager.name}` }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Reset two-step sign-in" }).click();
    await expect(row.getByTestId("sign-in-state")).toContainText("Enrols at next sign-in");
    await expect(row.getByTestId("sign-in-state")).toContainText("Can approve from");
    expect(audited(manager.email, "user.second_factor_reset")).toBe(1);

    await theirPage.goto("/transfers");
    await expect(theirPage).toHaveURL(/\/login\?reason=revoked/);
    await theirLogin.signIn(manager.email, manager.password);
    await expect(theirPage.getByRole("heading", { name: "Turn on two-step sign-in" })).toBeVisible();
    await theirs.close();
  });

  test("sign out everywhere ends the person's other sessions too", async ({ page, signInAs, browser }) => {
    const staff = await createFreshUser(await admin(), "staff", "everywhere");
    const other = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": "192.0.2.172" } });
    const otherPage = await other.newPage();
    const { LoginPage } = await import("./pages/login-page");
    await new LoginPage(otherPage).goto();
    await new LoginPage(otherPage).signInFully(staff);

    await signInAs(staff);
    await page.goto("/account");
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page).toHaveURL(/\/login/);
    await otherPage.goto("/transfers");
    await expect(otherPage).toHaveURL(/\/login/);
    await other.close();
  });
});

test.describe("Two people, not two accounts (docs/roles.md#two-people-not-two-accounts)", () => {
  test("a manager an admin just created cannot approve for 24 h: Approvals says until when, and the server refuses", async ({ page, signInAs }) => {
    const puppet = await createFreshUser(await admin(), "manager", "puppet", { onHold: true });
    const maker = await signedInClient(demoUser("staff"));
    const transfer = await submitTransfer(maker, { wallet: "DANA", phone: "081234567890", amount: 7_800_000 + Math.floor(Math.random() * 90_000) });
    await maker.dispose();

    await signInAs(puppet);
    await page.goto("/approvals");
    await expect(page.getByText(/for the two-person rule you can approve from/)).toBeVisible();
    // The same session, without the page: the server refuses whatever the screen shows.
    const reply = await invokeAction(page.request, serverActions.approveTransfer, { transferId: transfer.transferId });
    expect(reply.result).toMatchObject({ ok: false, message: expect.stringContaining("for the two-person rule you can approve from") });
    const status = withE2eDatabase((db) => (db.prepare("select status from transfers where id = ?").get(transfer.transferId) as { status: string }).status);
    expect(status).toBe("awaiting_approval");
  });
});

test("Auth.js's own sign-out route revokes the session on the server too", async () => {
  const { apiClient } = await import("./support/actions");
  const client = await signedInClient(demoUser("staff"));
  const saved = await client.storageState();
  const { csrfToken } = (await (await client.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const out = await client.post("/api/auth/signout", { form: { csrfToken }, maxRedirects: 0 });
  expect([200, 302, 303]).toContain(out.status());
  await client.dispose();
  const replay = await apiClient(saved);
  const page = await replay.get("/transfers", { maxRedirects: 0 });
  expect(page.status()).toBe(307);
  expect(page.headers()["location"]).toMatch(/^\/login/);
  await replay.dispose();
});
