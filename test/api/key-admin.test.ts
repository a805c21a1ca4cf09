import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { apiKeys, auditEntries } from "@/db/schema";
import { createApiKey, listApiKeys, revokeApiKey } from "@/lib/api/key-admin";
import { createApiKeySchema } from "@/lib/api/key-schema";
import { hashOfKey } from "@/lib/api/keys";
import { withLocale } from "@/lib/i18n/request-locale";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/** docs/api.md#keys: what an admin may make, and what is kept of it. */

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const ctx = () => ({ actor: h.admin, ip: "203.0.113.1" });
const parse = (input: Record<string, unknown>) => withLocale("en", () => createApiKeySchema.safeParse({ name: "erp", scopes: ["payouts:read"], ownerId: h.staff.id, ...input }));
const make = (input: Record<string, unknown>) => withLocale("en", () => createApiKey(h.db, ctx(), parse(input).data!, h.now()));
const jakartaDay = (offsetDays: number) => new Date(h.now().getTime() + 7 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe("making a key", () => {
  it("shows the key once: only its SHA-256 is kept, and the audit entry has neither", async () => {
    const created = expectOk(await make({ name: "payroll-prod", scopes: ["payouts:create", "payouts:read"], allowedIps: "203.0.113.0/24, 198.51.100.7" })) as { id: number; key: string };
    expect(created.key).toMatch(/^cip_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    const row = (await first(h.db.select().from(apiKeys).where(eq(apiKeys.id, created.id)).limit(1)))!;
    expect(row).toMatchObject({ secretHash: hashOfKey(created.key), prefix: created.key.slice(4, 12), scopes: ["payouts:read", "payouts:create"], allowedIps: ["203.0.113.0/24", "198.51.100.7/32"] });
    const audit = (await first(h.db.select().from(auditEntries).where(eq(auditEntries.action, "api_key.created")).limit(1)))!;
    expect(audit.after).toMatchObject({ name: "payroll-prod", owner: "staff@x.test" });
    expect(JSON.stringify(audit)).not.toContain(created.key.slice(13));
    expect(JSON.stringify(audit)).not.toContain(row.secretHash);
  });

  it("never both payouts:create and payouts:approve", () => {
    const parsed = parse({ scopes: ["payouts:create", "payouts:approve"], ownerId: h.manager.id });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toContain("cannot both make payouts and approve them");
  });

  it("an approve key acts for an active manager only", async () => {
    const refused = await make({ scopes: ["payouts:approve"], ownerId: h.staff.id });
    expect(refused).toMatchObject({ ok: false, fieldErrors: { ownerId: [expect.stringContaining("must act for a manager")] } });
    expectOk(await make({ scopes: ["payouts:approve"], ownerId: h.manager.id }));
  });

  it("names are unique whatever their case; addresses must be addresses or ranges", async () => {
    expectOk(await make({ name: "ERP" }));
    expect(await make({ name: "erp" })).toMatchObject({ ok: false, code: "invalid" });
    expect(parse({ allowedIps: "10.0.0.1/8" }).error!.issues[0]!.message).toContain("10.0.0.0/8");
    expect(parse({ allowedIps: "office" }).success).toBe(false);
  });

  it("an expiry is today or later, at most a year ahead", async () => {
    expect(await make({ expiresOn: jakartaDay(-1) })).toMatchObject({ ok: false, fieldErrors: { expiresOn: [expect.any(String)] } });
    expect(await make({ name: "far", expiresOn: jakartaDay(400) })).toMatchObject({ ok: false });
    const created = expectOk(await make({ name: "soon", expiresOn: jakartaDay(30) }));
    expect((await listApiKeys(h.db, h.now())).find((k) => k.id === created.id)).toMatchObject({ state: "active" });
  });
});

describe("revoking", () => {
  it("is audited, and a second revoke says it was already done", async () => {
    const created = expectOk(await make({}));
    expectOk(await revokeApiKey(h.db, ctx(), { keyId: created.id }, h.now()));
    expect(await withLocale("en", () => revokeApiKey(h.db, ctx(), { keyId: created.id }, h.now()))).toMatchObject({ ok: false, code: "conflict" });
    expect(await h.db.select().from(auditEntries).where(eq(auditEntries.action, "api_key.revoked"))).toHaveLength(1);
    expect((await listApiKeys(h.db, h.now()))[0]).toMatchObject({ state: "revoked" });
  });
});
