import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { auditEntries, transfers } from "@/db/schema";
import { approveKeyHoldMs } from "@/lib/api/authenticate";
import { saveTiers, tiersInputSchema } from "@/lib/policies/tiers";
import { getLimits, updateLimits } from "@/lib/transfers/settings";
import { expectOk } from "../transfers/harness";
import { call, createApiHarness, makeKey, type ApiHarness } from "./support";

/**
 * docs/api.md#the-same-rules: a payout by API obeys the browser's rules because it runs the same domain functions with
 * the key's person: the limits, the approval tiers (and never one's own approval), near-duplicates.
 */

let h: ApiHarness;
beforeEach(async () => {
  h = await createApiHarness();
});
afterEach(() => h.close());

const wallet = { wallet: "DANA", phone: "081234567890" };

async function pay(key: string, amount: number, extra: Record<string, unknown> = {}) {
  const lookup = await call(h, "createLookup", { key, body: { ...wallet, amount } });
  if (lookup.status !== 201) return lookup;
  return call(h, "createPayout", { key, body: { lookup_id: lookup.json.lookup_id, ...extra }, idempotencyKey: `pay-${Math.random()}` });
}

describe("limits", () => {
  it("the maximum per transfer and the daily total refuse a payout by API as in the browser", async () => {
    expectOk(await updateLimits({ db: h.db, actor: h.admin, ip: null }, { ...(await getLimits(h.db)), approvalThreshold: 1_000_000, maxPerTransfer: 1_000_000, dailyTotalPerMaker: 1_500_000 }));
    const { key } = await makeKey(h, { scopes: ["payouts:create"], owner: h.staff });
    const tooBig = await call(h, "createLookup", { key, body: { ...wallet, amount: 1_000_001 } });
    expect(tooBig.status).toBe(403);
    expect(tooBig.json.detail).toMatch(/maximum per transfer/i);
    expect((await pay(key, 900_000)).status).toBe(201);
    const overDaily = await call(h, "createLookup", { key, body: { ...wallet, amount: 700_000 } });
    expect(overDaily.status).toBe(403);
    expect(overDaily.json.detail).toMatch(/daily/i);
  });
});

describe("approval tiers", () => {
  it("above the threshold a payout waits; its own person cannot approve it with their approve key; another manager can", async () => {
    // A manager's two keys: one makes payouts, one approves (never both on one key).
    const maker = (await makeKey(h, { scopes: ["payouts:create"], owner: h.manager })).key;
    const ownApprover = (await makeKey(h, { scopes: ["payouts:approve"], owner: h.manager })).key;
    const otherApprover = (await makeKey(h, { scopes: ["payouts:approve"], owner: h.manager2 })).key;
    h.advance(approveKeyHoldMs);

    const lookup = await call(h, "createLookup", { key: maker, body: { ...wallet, amount: 6_000_000 } });
    expect(lookup.json).toMatchObject({ needs_approval: true, approvals_needed: 1 });
    const payout = await call(h, "createPayout", { key: maker, body: { lookup_id: lookup.json.lookup_id }, idempotencyKey: "big" });
    expect(payout.json).toMatchObject({ status: "awaiting_approval" });
    const reference = payout.json.reference as string;

    const own = await call(h, "approvePayout", { key: ownApprover, params: { reference } });
    expect(own.status).toBe(403);
    expect((await first(h.db.select().from(transfers).where(eq(transfers.reference, reference)).limit(1)))!.status).toBe("awaiting_approval");

    const approved = await call(h, "approvePayout", { key: otherApprover, params: { reference } });
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ reference, status: "succeeded" });
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
    const decided = await h.db.select().from(auditEntries).where(eq(auditEntries.action, "transfer.approved"));
    expect(decided.at(-1)?.actorEmail ?? "").toMatch(/^API key .+ \(manager2@x\.test\)$/);
  });

  it("a tier of two managers needs two distinct people: the same person's second approval is refused", async () => {
    expectOk(await saveTiers({ db: h.db, actor: h.admin, ip: null }, tiersInputSchema.parse({ tiers: [{ floor: 5_000_000, approvals: 1, named: [], namedNeeded: 0 }, { floor: 10_000_000, approvals: 2, named: [], namedNeeded: 0 }] })));
    const maker = (await makeKey(h, { scopes: ["payouts:create"], owner: h.staff })).key;
    const first = (await makeKey(h, { scopes: ["payouts:approve"], owner: h.manager })).key;
    const second = (await makeKey(h, { scopes: ["payouts:approve"], owner: h.manager2 })).key;
    h.advance(approveKeyHoldMs);
    const payout = await pay(maker, 12_000_000);
    const reference = payout.json.reference as string;

    const one = await call(h, "approvePayout", { key: first, params: { reference } });
    expect(one.json).toMatchObject({ status: "awaiting_approval", approvals_given: 1, approvals_needed: 2 });
    const again = await call(h, "approvePayout", { key: first, params: { reference } });
    expect(again.status).toBe(409);
    const two = await call(h, "approvePayout", { key: second, params: { reference } });
    expect(two.json).toMatchObject({ status: "succeeded" });
    expect(two.json).not.toHaveProperty("approvals_given");
  });
});

describe("near-duplicates", () => {
  it("the same payment again needs separate_from naming the earlier one, as the browser's tick", async () => {
    const { key } = await makeKey(h, { scopes: ["payouts:create"], owner: h.staff });
    const first = await pay(key, 75_000);
    expect(first.status).toBe(201);
    const lookup = await call(h, "createLookup", { key, body: { ...wallet, amount: 75_000 } });
    expect(lookup.json.near_duplicates).toEqual([expect.objectContaining({ reference: first.json.reference })]);
    const refused = await call(h, "createPayout", { key, body: { lookup_id: lookup.json.lookup_id }, idempotencyKey: "again-1" });
    expect(refused.status).toBe(409);
    expect(refused.json.detail).toMatch(/same payment|separate/i);
    const unknown = await call(h, "createPayout", { key, body: { lookup_id: lookup.json.lookup_id, separate_from: ["TRFNOPE"] }, idempotencyKey: "again-2" });
    expect(unknown.status).toBe(422);
    const confirmed = await call(h, "createPayout", { key, body: { lookup_id: lookup.json.lookup_id, separate_from: [first.json.reference] }, idempotencyKey: "again-3" });
    expect(confirmed.status).toBe(201);
  });

  it("a look-up of another person cannot be paid from this key", async () => {
    const mine = (await makeKey(h, { scopes: ["payouts:create"], owner: h.staff })).key;
    const theirs = (await makeKey(h, { scopes: ["payouts:create"], owner: h.manager })).key;
    const lookup = await call(h, "createLookup", { key: theirs, body: { ...wallet, amount: 20_000 } });
    const answer = await call(h, "createPayout", { key: mine, body: { lookup_id: lookup.json.lookup_id }, idempotencyKey: "steal" });
    expect(answer.status).toBe(404);
    expect(await h.db.select().from(transfers)).toHaveLength(0);
  });
});
