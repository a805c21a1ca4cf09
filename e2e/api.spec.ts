import { expect, test, toasts } from "./fixtures";
import { LoginPage } from "./pages/login-page";
import { createFreshUser } from "./support/actions";
import { withE2eDatabase } from "./support/database";
import { gatewayRequests } from "./support/gateway";
import { withFreshCode } from "./support/second-factor";
import { uniquePhone } from "./support/seed";

/**
 * docs/api.md: an admin makes a key on /admin/api-keys (shown once), the merchant's system uses it — look-up, payout,
 * status — and once the admin revokes it, its very next request is refused.
 */
test.describe("The API for the merchant's systems (docs/api.md)", () => {
  test("make a key (shown once), pay with it, revoke it: the next request is 401", async ({ page, signInAs, request }) => {
    test.setTimeout(120_000);
    await signInAs("admin");
    const owner = await createFreshUser(page.request, "staff", "api-owner");
    const name = `payroll-${Date.now().toString(36)}`;

    await page.goto("/admin/api-keys");
    await page.getByRole("button", { name: "New API key" }).click();
    const form = page.getByRole("dialog", { name: "New API key" });
    await form.getByLabel("Name").fill(name);
    await form.getByRole("checkbox", { name: /payouts:create/ }).check();
    await form.getByRole("combobox", { name: "Acts for" }).click();
    await page.getByRole("option", { name: new RegExp(owner.email.replace(/[.+]/g, "\\$&")) }).click();
    await form.getByRole("checkbox", { name: /payouts:approve/ }).check();
    await form.getByRole("button", { name: "Make key" }).click();
    await expect(form.getByText("A key cannot both make payouts and approve them")).toBeVisible();
    await form.getByRole("checkbox", { name: /payouts:approve/ }).uncheck();
    await form.getByRole("checkbox", { name: /payouts:read/ }).check();
    await form.getByRole("button", { name: "Make key" }).click();

    const shown = page.getByRole("dialog", { name: `Key “${name}” is ready` });
    await expect(shown.getByText("This is the only time the key is shown")).toBeVisible();
    const key = await shown.getByLabel("The API key").inputValue();
    expect(key).toMatch(/^cip_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    await shown.getByRole("button", { name: "I have copied it" }).click();
    await expect(page.getByText(key)).toHaveCount(0);
    expect(JSON.stringify(withE2eDatabase((db) => db.prepare("select * from audit_entries where action = 'api_key.created' order by id desc limit 1").get()))).not.toContain(key.slice(13));

    // The merchant's system: no cookie, the key only.
    const auth = { Authorization: `Bearer ${key}` };
    const phone = uniquePhone();
    const lookup = await request.post("/api/v1/lookups", { headers: auth, data: { wallet: "DANA", phone, amount: 12_345 } });
    expect(lookup.status()).toBe(201);
    const { lookup_id, owner_name } = await lookup.json();
    expect(owner_name).toBeTruthy();
    const payout = await request.post("/api/v1/payouts", { headers: { ...auth, "Idempotency-Key": `e2e-${name}` }, data: { lookup_id, memo: "E2E payroll" } });
    expect(payout.status()).toBe(201);
    const made = await payout.json();
    expect(made).toMatchObject({ amount: 12_345, phone, memo: "E2E payroll", currency: "IDR" });
    const again = await request.post("/api/v1/payouts", { headers: { ...auth, "Idempotency-Key": `e2e-${name}` }, data: { lookup_id, memo: "E2E payroll" } });
    expect(await again.json()).toEqual(made);
    expect(await gatewayRequests("topup", made.reference)).toHaveLength(1);
    const status = await request.get(`/api/v1/payouts/${made.reference}`, { headers: auth });
    expect(status.status()).toBe(200);
    expect((await status.json()).reference).toBe(made.reference);
    const noKey = await request.get(`/api/v1/payouts/${made.reference}`);
    expect(noKey.status()).toBe(401);
    expect(noKey.headers()["content-type"]).toContain("application/problem+json");

    // The list shows its last use; Revoke ends it at once.
    await page.reload();
    // A card below 1536 px, a table row above.
    const row = page.getByTestId(new RegExp(`^api-key-(row|card)-${name}$`)).filter({ visible: true });
    await expect(row.getByText(key.slice(0, 13))).toBeVisible();
    await expect(row.getByText(/ from /)).toBeVisible();
    await row.getByRole("button", { name: `Revoke the key ${name}` }).click();
    await page.getByRole("dialog", { name: `Revoke “${name}”?` }).getByRole("button", { name: "Revoke the key" }).click();
    await expect(toasts(page).getByText(`API key “${name}” revoked`)).toBeVisible();
    const refused = await request.get(`/api/v1/payouts/${made.reference}`, { headers: auth });
    expect(refused.status()).toBe(401);
    expect((await refused.json()).detail).toContain("was revoked");

    // The audit trail names the key beside its person.
    await page.goto(`/admin/audit?action=transfer.create`);
    await expect(page.getByText(`${owner.name} through API key ${name}`).filter({ visible: true }).first()).toBeVisible();
  });

  test("an approve key: the admin who makes it never sees it; its manager shows it once on My account with a fresh code", async ({ page, signInAs, browser, request }) => {
    test.setTimeout(120_000);
    await signInAs("admin");
    const manager = await createFreshUser(page.request, "manager", "api-approver");
    const name = `approver-${Date.now().toString(36)}`;

    await page.goto("/admin/api-keys");
    await page.getByRole("button", { name: "New API key" }).click();
    const form = page.getByRole("dialog", { name: "New API key" });
    await form.getByLabel("Name").fill(name);
    await form.getByRole("checkbox", { name: /payouts:approve/ }).check();
    await form.getByRole("combobox", { name: "Acts for" }).click();
    await page.getByRole("option", { name: new RegExp(manager.email.replace(/[.+]/g, "\\$&")) }).click();
    await form.getByRole("button", { name: "Make key" }).click();
    const made = page.getByRole("dialog", { name: `Key “${name}” is made` });
    await expect(made.getByText(`The key will be shown to ${manager.name} (${manager.email}) on their My account`)).toBeVisible();
    // Nothing of a key on the admin's screen: no field, no cip_ text.
    await expect(made.getByLabel("The API key")).toHaveCount(0);
    expect(await page.content()).not.toMatch(/cip_[0-9a-f]{8}_[A-Za-z0-9_-]{43}/);
    await made.getByRole("button", { name: "Done" }).click();
    const row = page.getByTestId(new RegExp(`^api-key-(row|card)-${name}$`)).filter({ visible: true });
    await expect(row.getByText("Waiting for its person")).toBeVisible();
    const stored = () => withE2eDatabase((db) => db.prepare("select id, prefix, issued_at from api_keys where name = ?").get(name)) as { id: number; prefix: string; issued_at: number | null };
    expect(stored().issued_at).toBeNull();

    // The manager signs in, in their own browser, with a code older than 5 minutes, so Show asks for a new one.
    const theirs = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": "192.0.2.181" } });
    const theirPage = await theirs.newPage();
    await new LoginPage(theirPage).goto();
    await new LoginPage(theirPage).signInFully(manager);
    withE2eDatabase((db) => db.prepare("update sessions set second_factor_at = ? where user_id = ?").run(Date.now() - 6 * 60_000, manager.id));
    await theirPage.goto("/account");
    const section = theirPage.getByRole("region", { name: "API keys for you" });
    const waiting = section.getByTestId(`waiting-key-${name}`);
    await expect(waiting.getByText("payouts:approve")).toBeVisible();
    await expect(waiting.getByText(/^Made by /)).toBeVisible();
    await waiting.getByRole("button", { name: `Show the key ${name}` }).click();
    const prompt = theirPage.getByRole("dialog", { name: "Confirm it is you" });
    await withFreshCode(manager.email, manager.totpSecret!, async (code) => {
      await prompt.getByLabel("Code from your authenticator app").fill(code);
      await prompt.getByRole("button", { name: "Confirm" }).click();
      const reused = prompt.getByText("This code was already used");
      await expect.poll(async () => (await reused.isVisible()) || !(await prompt.isVisible())).toBe(true);
      return { accepted: !(await reused.isVisible()), value: undefined };
    });
    await expect(waiting.getByText("This is the only time the key is shown")).toBeVisible();
    const key = await waiting.getByLabel("The API key").inputValue();
    expect(key).toMatch(new RegExp(`^cip_${stored().prefix}_[A-Za-z0-9_-]{43}$`));
    expect(stored().issued_at).not.toBeNull();
    const audit = withE2eDatabase((db) => db.prepare("select actor_email, after from audit_entries where action = 'api_key.issued' and target_id = ?").get(String(stored().id))) as { actor_email: string; after: string };
    expect(audit.actor_email).toBe(manager.email);
    expect(audit.after).not.toContain(key.slice(13));

    // The key works, and waits 24 hours from now before it approves.
    const early = await request.post("/api/v1/payouts/TRF-NONE/approve", { headers: { Authorization: `Bearer ${key}` }, data: {} });
    expect(early.status()).toBe(403);
    expect(Date.parse((await early.json()).approves_from)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    // Shown once: read again, My account no longer lists it.
    await theirPage.reload();
    await expect(theirPage.getByTestId(`waiting-key-${name}`)).toHaveCount(0);
    await theirs.close();
  });
});
