import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { apiKeys, auditEntries, users, type ApiScope } from "@/db/schema";
import { approveKeyHoldMs } from "@/lib/api/authenticate";
import { hashOfKey } from "@/lib/api/keys";
import { revokeApiKey } from "@/lib/api/key-admin";
import { operations } from "@/lib/api/operations";
import { expectOk } from "../transfers/harness";
import { call, createApiHarness, endpoints, makeKey, type ApiHarness, type EndpointName } from "./support";

/** docs/api.md#keys and #authentication: who may call what, with which key, from where. */

let h: ApiHarness;
beforeEach(async () => {
  h = await createApiHarness();
});
afterEach(() => h.close());

const scopes: ApiScope[] = ["payouts:read", "payouts:create", "payouts:approve"];

/** A request each endpoint accepts far enough to show the key was let through (its own answer may be a 404 or 422). */
const sample: Record<EndpointName, Parameters<typeof call>[2]> = {
  createLookup: { body: { wallet: "DANA", phone: "081234567890", amount: 10_000 } },
  createPayout: { body: { lookup_id: "INQ-none" }, idempotencyKey: "matrix" },
  getPayout: { params: { reference: "TRF-none" } },
  listPayouts: {},
  approvePayout: { params: { reference: "TRF-none" } },
  createBatch: { body: { rows: [{ wallet: "DANA", phone: "081234567890", amount: 10_000 }], submit: false }, idempotencyKey: "matrix" },
  getBatch: { params: { reference: "BAT-none" } },
};

describe("every endpoint × every scope", () => {
  for (const name of Object.keys(endpoints) as EndpointName[]) {
    const needed = operations[name].scope;
    it(`${name}: ${needed} passes, the other scopes get 403, no key 401`, async () => {
      for (const scope of scopes) {
        const { key } = await makeKey(h, { scopes: [scope], owner: scope === "payouts:approve" ? h.manager : h.staff });
        if (scope === "payouts:approve") h.advance(approveKeyHoldMs);
        const answer = await call(h, name, { ...sample[name], key });
        if (scope === needed) expect([200, 201, 404], `${name} with ${scope}: ${JSON.stringify(answer.json)}`).toContain(answer.status);
        else {
          expect(answer.status, `${name} with ${scope}`).toBe(403);
          expect(answer.json.detail).toContain(`does not have the ${needed} scope`);
        }
      }
      const anonymous = await call(h, name, sample[name]);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    });
  }

  it("a browser's session cookie without a key is refused with 401: the API reads no cookie", async () => {
    const answer = await call(h, "listPayouts", { headers: { cookie: "__Secure-authjs.session-token=anything" } });
    expect(answer.status).toBe(401);
  });

  it("a scope refusal is audited as api.refused with the key's name, never the key or its hash", async () => {
    const { key } = await makeKey(h, { name: "reader", scopes: ["payouts:read"], owner: h.staff });
    expect((await call(h, "createLookup", { ...sample.createLookup, key })).status).toBe(403);
    const refused = await h.db.select().from(auditEntries).where(eq(auditEntries.action, "api.refused"));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ actorId: h.staff.id, actorEmail: "API key reader (staff@x.test)", after: { reason: "scope:payouts:create", key: "reader" } });
    const everything = JSON.stringify(await h.db.select().from(auditEntries));
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(hashOfKey(key));
  });
});

describe("keys that no longer work", () => {
  it("a revoked key is refused on the very next request, and the refusal is audited", async () => {
    const { key, id } = await makeKey(h, { name: "payroll", scopes: ["payouts:read"], owner: h.staff });
    expect((await call(h, "listPayouts", { key })).status).toBe(200);
    expectOk(await revokeApiKey(h.db, { actor: h.admin, ip: null }, { keyId: id }, h.now()));
    const answer = await call(h, "listPayouts", { key });
    expect(answer.status).toBe(401);
    expect(answer.json.detail).toContain('"payroll" was revoked');
    expect(await first(h.db.select().from(auditEntries).where(eq(auditEntries.action, "api.refused")).limit(1))).toMatchObject({ after: { reason: "revoked" } });
  });

  it("an expired key is refused from the day after its last day (Jakarta)", async () => {
    const today = new Date(h.now().getTime() + 7 * 3600_000).toISOString().slice(0, 10);
    const { key } = await makeKey(h, { scopes: ["payouts:read"], owner: h.staff, expiresOn: today });
    expect((await call(h, "listPayouts", { key })).status).toBe(200);
    h.advance(24 * 3600_000);
    const answer = await call(h, "listPayouts", { key });
    expect(answer.status).toBe(401);
    expect(answer.json.detail).toContain("expired");
  });

  it("a key whose person was deactivated is refused", async () => {
    const { key } = await makeKey(h, { scopes: ["payouts:read"], owner: h.staff });
    await h.db.update(users).set({ active: false }).where(eq(users.id, h.staff.id));
    expect((await call(h, "listPayouts", { key })).status).toBe(401);
  });

  it("a wrong secret with a real prefix, and a made-up key, are refused alike", async () => {
    const { key } = await makeKey(h, { scopes: ["payouts:read"], owner: h.staff });
    const forged = key.slice(0, -4) + (key.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect((await call(h, "listPayouts", { key: forged })).json.detail).toBe("The API key is not valid.");
    expect((await call(h, "listPayouts", { key: "cip_00000000_" + "A".repeat(43) })).json.detail).toBe("The API key is not valid.");
  });
});

describe("the key's allowed addresses", () => {
  it("inside the list: answered; outside: 403, audited, nothing done", async () => {
    const { key } = await makeKey(h, { name: "office", scopes: ["payouts:read"], owner: h.staff, allowedIps: "203.0.113.0/24\n2001:db8::/32" });
    expect((await call(h, "listPayouts", { key, ip: "203.0.113.77" })).status).toBe(200);
    expect((await call(h, "listPayouts", { key, ip: "2001:db8::5" })).status).toBe(200);
    const outside = await call(h, "listPayouts", { key, ip: "198.51.100.7" });
    expect(outside.status).toBe(403);
    expect(outside.json.detail).toContain("may not be used from 198.51.100.7");
    expect(await first(h.db.select().from(auditEntries).where(eq(auditEntries.action, "api.refused")).limit(1))).toMatchObject({ ip: "198.51.100.7", after: { reason: "address", key: "office" } });
  });

  it("the last use is kept: time and address", async () => {
    const { key, id } = await makeKey(h, { scopes: ["payouts:read"], owner: h.staff });
    await call(h, "listPayouts", { key, ip: "203.0.113.9" });
    expect(await first(h.db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1))).toMatchObject({ lastUsedIp: "203.0.113.9", lastUsedAt: h.now() });
  });
});

describe("approve keys", () => {
  it("cannot approve in their first 24 hours (an admin made it: the two-person rule)", async () => {
    const { key } = await makeKey(h, { scopes: ["payouts:approve"], owner: h.manager });
    const early = await call(h, "approvePayout", { key, params: { reference: "TRF-none" } });
    expect(early.status).toBe(403);
    expect(early.json.detail).toContain("can approve from");
    h.advance(approveKeyHoldMs);
    expect((await call(h, "approvePayout", { key, params: { reference: "TRF-none" } })).status).toBe(404);
  });

  it("stop working for approvals when their person is no longer a manager", async () => {
    const { key } = await makeKey(h, { scopes: ["payouts:approve"], owner: h.manager });
    h.advance(approveKeyHoldMs);
    await h.db.update(users).set({ role: "staff" }).where(eq(users.id, h.manager.id));
    const answer = await call(h, "approvePayout", { key, params: { reference: "TRF-none" } });
    expect(answer.status).toBe(403);
    expect(answer.json.detail).toContain("no longer a manager");
  });
});
