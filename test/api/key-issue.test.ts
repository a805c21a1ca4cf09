import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { apiKeys, auditEntries, notifications, transfers, users } from "@/db/schema";
import { approveKeyHoldMs } from "@/lib/api/authenticate";
import { createApiKey, issueApiKey, listApiKeys, revokeApiKey, waitingApiKeysFor } from "@/lib/api/key-admin";
import { createApiKeySchema } from "@/lib/api/key-schema";
import { hashOfKey } from "@/lib/api/keys";
import { withLocale } from "@/lib/i18n/request-locale";
import { composeMail } from "@/lib/notifications/compose";
import { expectOk } from "../transfers/harness";
import { call, createApiHarness, type ApiHarness } from "./support";

/**
 * docs/api.md#keys: an approve key gives a manager's approvals, so the admin who makes it never sees it. Its secret is
 * made when its manager shows it on My account; until then nothing authenticates with it, and its 24-hour hold counts
 * from that moment.
 */

let h: ApiHarness;
beforeEach(async () => {
  h = await createApiHarness();
});
afterEach(() => h.close());

const admin = () => ({ actor: h.admin, ip: "203.0.113.1" });
const as = async (person: { id: number }) => ({ actor: (await first(h.db.select().from(users).where(eq(users.id, person.id)).limit(1)))!, ip: "203.0.113.2" });
const makeApproveKey = (input: Record<string, unknown> = {}) =>
  withLocale("en", () => createApiKey(h.db, admin(), createApiKeySchema.parse({ name: "approver", scopes: ["payouts:approve"], ownerId: h.manager.id, ...input }), h.now()));
const issue = (person: { id: number }, keyId: number) => withLocale("en", async () => issueApiKey(h.db, await as(person), { keyId }, h.now()));

/** What the admin could have seen of the key: everything in the create action's answer, and every audit entry. */
async function whatTheAdminSaw(created: unknown): Promise<string[]> {
  const seen = JSON.stringify([created, await h.db.select().from(auditEntries)]);
  return [...seen.matchAll(/cip_[0-9a-f]{8}_[A-Za-z0-9_-]{43}/g)].map((m) => m[0]);
}

/** A payout of the admin's own that waits for a manager's approval (admins may make payouts). */
async function adminsPayout(phone: string): Promise<string> {
  const made = expectOk(await h.send({ phone, amount: 6_000_000 }, h.admin));
  const transfer = await h.transfer(made.transferId);
  expect(transfer.status).toBe("awaiting_approval");
  return transfer.reference;
}

describe("an approve key made by an admin", () => {
  it("has no secret the admin saw: the answer carries no key, and no key the admin could guess authenticates", async () => {
    const created = expectOk(await makeApproveKey());
    expect(created.key).toBeNull();
    expect(created.waitsFor).toEqual({ name: "Bambang", email: "manager@x.test" });
    expect(await whatTheAdminSaw(created)).toEqual([]);
    const row = (await first(h.db.select().from(apiKeys).where(eq(apiKeys.id, created.id)).limit(1)))!;
    expect(row.issuedAt).toBeNull();
    expect((await listApiKeys(h.db, h.now())).find((k) => k.id === created.id)).toMatchObject({ state: "waiting" });
    // Even a key whose hash is the stored one (were the hash of bytes anyone knew) is refused while it waits.
    h.advance(approveKeyHoldMs);
    const guess = `cip_${row.prefix}_${"A".repeat(43)}`;
    expect((await call(h, "listPayouts", { key: guess })).status).toBe(401);
    expect((await h.db.select().from(auditEntries).where(eq(auditEntries.action, "api.refused"))).at(-1)?.after).toMatchObject({ reason: "unknown_key" });
  });

  it("is listed on its manager's My account, with who made it", async () => {
    const created = expectOk(await makeApproveKey());
    expect(await waitingApiKeysFor(h.db, h.manager.id, h.now())).toEqual([expect.objectContaining({ id: created.id, name: "approver", scopes: ["payouts:approve"], createdByName: h.admin.name })]);
    expect(await waitingApiKeysFor(h.db, h.manager2.id, h.now())).toEqual([]);
  });

  it("read and create keys are still shown once to the admin, and work at once", async () => {
    const created = expectOk(await withLocale("en", () => createApiKey(h.db, admin(), createApiKeySchema.parse({ name: "reader", scopes: ["payouts:read"], ownerId: h.manager.id }), h.now())));
    expect(created.key).toMatch(/^cip_/);
    expect((await call(h, "listPayouts", { key: created.key! })).status).toBe(200);
  });
});

describe("the manager shows it", () => {
  it("gets a working key once; it approves only 24 hours after that, not after its making", async () => {
    const created = expectOk(await makeApproveKey());
    h.advance(approveKeyHoldMs); // A day waiting on My account does not count.
    const { key } = expectOk(await issue(h.manager, created.id));
    expect(key).toMatch(new RegExp(`^cip_${created.prefix}_[A-Za-z0-9_-]{43}$`));
    const row = (await first(h.db.select().from(apiKeys).where(eq(apiKeys.id, created.id)).limit(1)))!;
    expect(row).toMatchObject({ secretHash: hashOfKey(key), issuedAt: h.now() });
    expect(await waitingApiKeysFor(h.db, h.manager.id, h.now())).toEqual([]);

    const approvesFrom = new Date(h.now().getTime() + approveKeyHoldMs).toISOString();
    const early = await call(h, "approvePayout", { key, params: { reference: await adminsPayout("6281234567890") } });
    expect(early.status).toBe(403);
    expect(early.json.approves_from).toBe(approvesFrom);
    // A payout made an hour before the hold ends (the first one's approval window has closed by then).
    h.advance(approveKeyHoldMs - 3_600_000);
    const reference = await adminsPayout("6281298765432");
    expect((await call(h, "approvePayout", { key, params: { reference } })).status).toBe(403);
    h.advance(3_600_000);
    const approved = await call(h, "approvePayout", { key, params: { reference } });
    expect(approved.status).toBe(200);
    expect((await first(h.db.select().from(transfers).where(eq(transfers.reference, reference)).limit(1)))!.status).toBe("succeeded");
  });

  it("is audited as api_key.issued, by the manager, without the key or its hash", async () => {
    const created = expectOk(await makeApproveKey());
    const { key } = expectOk(await issue(h.manager, created.id));
    const entry = (await first(h.db.select().from(auditEntries).where(eq(auditEntries.action, "api_key.issued")).limit(1)))!;
    expect(entry).toMatchObject({ actorEmail: "manager@x.test", targetType: "api_key", targetId: String(created.id) });
    expect(entry.after).toMatchObject({ name: "approver", prefix: created.prefix });
    const all = JSON.stringify(await h.db.select().from(auditEntries));
    expect(all).not.toContain(key.slice(13));
    expect(all).not.toContain(hashOfKey(key));
    expect((await first(h.db.select().from(auditEntries).where(eq(auditEntries.action, "api_key.created")).limit(1)))!.after).toMatchObject({ waitsForOwner: true });
  });

  it("twice, or in two tabs at once, issues it once: the second is refused and the first key keeps working", async () => {
    const created = expectOk(await makeApproveKey());
    const both = await Promise.all([Promise.resolve().then(() => issue(h.manager, created.id)), Promise.resolve().then(() => issue(h.manager, created.id))]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expect(both.find((r) => !r.ok)).toMatchObject({ ok: false, code: "conflict", message: expect.stringContaining("already shown") });
    const winner = both.find((r) => r.ok)!;
    const row = (await first(h.db.select().from(apiKeys).where(eq(apiKeys.id, created.id)).limit(1)))!;
    expect(row.secretHash).toBe(hashOfKey(winner.ok ? winner.data.key : ""));
    expect(await h.db.select().from(auditEntries).where(eq(auditEntries.action, "api_key.issued"))).toHaveLength(1);
  });

  it("a second attempt after the first does not replace the secret", async () => {
    const created = expectOk(await makeApproveKey());
    const shown = expectOk(await issue(h.manager, created.id));
    expect(await issue(h.manager, created.id)).toMatchObject({ ok: false, code: "conflict" });
    expect((await first(h.db.select().from(apiKeys).where(eq(apiKeys.id, created.id)).limit(1)))!.secretHash).toBe(hashOfKey(shown.key));
  });
});

describe("refused", () => {
  it("another person, the admin who made it included, cannot show it", async () => {
    const created = expectOk(await makeApproveKey());
    for (const other of [h.admin, h.manager2, h.staff]) {
      expect(await issue(other, created.id)).toMatchObject({ ok: false, code: "not_found" });
    }
    expect((await first(h.db.select().from(apiKeys).where(eq(apiKeys.id, created.id)).limit(1)))!.issuedAt).toBeNull();
  });

  it("a revoked waiting key cannot be shown", async () => {
    const created = expectOk(await makeApproveKey());
    expectOk(await revokeApiKey(h.db, admin(), { keyId: created.id }, h.now()));
    expect(await issue(h.manager, created.id)).toMatchObject({ ok: false, code: "conflict", message: expect.stringContaining("revoked") });
    expect(await waitingApiKeysFor(h.db, h.manager.id, h.now())).toEqual([]);
  });

  it("an expired waiting key cannot be shown", async () => {
    const tomorrow = new Date(h.now().getTime() + 7 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    const created = expectOk(await makeApproveKey({ expiresOn: tomorrow }));
    h.advance(3 * 86_400_000);
    expect(await issue(h.manager, created.id)).toMatchObject({ ok: false, code: "conflict", message: expect.stringContaining("expired") });
  });

  it("a manager made staff since cannot show it", async () => {
    const created = expectOk(await makeApproveKey());
    await h.db.update(users).set({ role: "staff" }).where(eq(users.id, h.manager.id));
    expect(await issue(h.manager, created.id)).toMatchObject({ ok: false, code: "forbidden" });
  });
});

describe("the person is told", () => {
  const mailOf = async (person: { id: number }) => {
    const user = (await first(h.db.select().from(users).where(eq(users.id, person.id)).limit(1)))!;
    const rows = await h.db.select().from(notifications).where(eq(notifications.userId, person.id));
    return { rows, mail: rows.length ? await composeMail(h.db, { user, kind: rows[0]!.kind, rows, appUrl: "https://payouts.example", approvalWindowHours: 24 }) : null };
  };

  it("an admin's key for someone else puts a mail in the outbox, in the person's language, with a link to My account", async () => {
    await h.db.update(users).set({ locale: "id" }).where(eq(users.id, h.manager.id));
    const created = expectOk(await makeApproveKey());
    const { rows, mail } = await mailOf(h.manager);
    expect(rows).toEqual([expect.objectContaining({ event: "api_key.created", subjectType: "api_key", subjectId: created.id, state: "pending" })]);
    expect(mail!.subject).toBe("Kunci API “approver” dibuat untuk Anda");
    expect(mail!.text).toContain("Ayu membuat kunci API “approver” yang menyetujui pembayaran atas nama Anda (payouts:approve)");
    expect(mail!.text).toContain("https://payouts.example/account");
    expect(mail!.text).not.toMatch(/cip_/);
  });

  it("a read key's mail says payouts it makes are the person's; a key an admin makes for themselves tells nobody", async () => {
    await h.db.update(users).set({ locale: "en" }).where(eq(users.id, h.staff.id));
    expectOk(await withLocale("en", () => createApiKey(h.db, admin(), createApiKeySchema.parse({ name: "erp", scopes: ["payouts:create"], ownerId: h.staff.id }), h.now())));
    const { mail } = await mailOf(h.staff);
    expect(mail!.subject).toBe("An API key “erp” was made for you");
    expect(mail!.text).toContain("Ayu made the API key “erp” that acts for you (payouts:create). Payouts it makes are yours");
    expectOk(await withLocale("en", () => createApiKey(h.db, admin(), createApiKeySchema.parse({ name: "own", scopes: ["payouts:read"], ownerId: h.admin.id }), h.now())));
    expect((await mailOf(h.admin)).rows).toEqual([]);
  });
});
