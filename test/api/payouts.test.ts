import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { auditEntries, transfers } from "@/db/schema";
import { call, createApiHarness, makeKey, type ApiHarness } from "./support";

/** docs/api.md#endpoints: look-up → payout → status, through the same domain as the browser. */

let h: ApiHarness;
const john = "6281234567890";

beforeEach(async () => {
  h = await createApiHarness();
});
afterEach(() => h.close());

describe("a payout by API", () => {
  it("looks up, pays and reads the payout back; the key's person is its maker and the key is named in the audit trail", async () => {
    const { key, id: keyId } = await makeKey(h, { name: "payroll-prod", scopes: ["payouts:create", "payouts:read"], owner: h.staff });
    const lookup = await call(h, "createLookup", { key, body: { wallet: "DANA", phone: "081234567890", amount: 50_000 } });
    expect(lookup.status).toBe(201);
    expect(lookup.json).toMatchObject({ owner_name: "John", phone: john, amount: 50_000, needs_approval: false, approvals_needed: 0, near_duplicates: [] });

    const payout = await call(h, "createPayout", { key, body: { lookup_id: lookup.json.lookup_id, memo: "Invoice 7" }, idempotencyKey: "k-1" });
    expect(payout.status).toBe(201);
    expect(payout.json).toMatchObject({ status: "succeeded", amount: 50_000, owner_name: "John", memo: "Invoice 7", currency: "IDR" });
    const transfer = (await first(h.db.select().from(transfers).where(eq(transfers.reference, payout.json.reference as string)).limit(1)))!;
    expect(transfer).toMatchObject({ makerId: h.staff.id, apiKeyId: keyId });
    const created = (await first(h.db.select().from(auditEntries).where(eq(auditEntries.action, "transfer.create")).limit(1)))!;
    expect(created).toMatchObject({ actorId: h.staff.id, actorEmail: "API key payroll-prod (staff@x.test)" });

    const read = await call(h, "getPayout", { key, params: { reference: payout.json.reference as string } });
    expect(read).toMatchObject({ status: 200, json: { reference: payout.json.reference, status: "succeeded" } });
    const missing = await call(h, "getPayout", { key, params: { reference: "TRF20260101NOPE" } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    expect(missing.json).toMatchObject({ type: "/docs/api#not-found", status: 404, title: "Not found" });
  });
});
