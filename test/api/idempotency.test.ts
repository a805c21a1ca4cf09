import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { idempotencyKeys, transfers } from "@/db/schema";
import { staleAfterMs } from "@/lib/api/idempotency";
import { call, createApiHarness, makeKey, type ApiHarness } from "./support";

/** docs/api.md#idempotency: a payout request repeated with its Idempotency-Key pays once. */

let h: ApiHarness;
let key: string;
beforeEach(async () => {
  h = await createApiHarness();
  key = (await makeKey(h, { scopes: ["payouts:create"], owner: h.staff })).key;
});
afterEach(() => h.close());

async function lookUp(amount = 50_000): Promise<string> {
  const answer = await call(h, "createLookup", { key, body: { wallet: "DANA", phone: "081234567890", amount } });
  expect(answer.status).toBe(201);
  return answer.json.lookup_id as string;
}

describe("Idempotency-Key", () => {
  it("20 concurrent POST /payouts with one key: one payout, one top-up at Cash In, 20 identical answers", async () => {
    const lookupId = await lookUp();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => call(h, "createPayout", { key, body: { lookup_id: lookupId, memo: "June salary" }, idempotencyKey: "payroll-2026-06-row-1" })),
    );
    const made = await h.db.select().from(transfers);
    expect(made).toHaveLength(1);
    expect(h.topupsAtGateway(made[0]!.reference)).toHaveLength(1);
    expect(new Set(answers.map((a) => `${a.status} ${JSON.stringify(a.json)}`)).size).toBe(1);
    expect(answers[0]!.status).toBe(201);
    expect(answers.filter((a) => a.headers.get("idempotent-replayed") === "true")).toHaveLength(19);
  });

  it("the same key with another body: 409, nothing made", async () => {
    const lookupId = await lookUp();
    expect((await call(h, "createPayout", { key, body: { lookup_id: lookupId }, idempotencyKey: "k" })).status).toBe(201);
    const other = await lookUp(60_000);
    const answer = await call(h, "createPayout", { key, body: { lookup_id: other }, idempotencyKey: "k" });
    expect(answer.status).toBe(409);
    expect(answer.json.type).toBe("/docs/api#idempotency-key-reused");
    expect(await h.db.select().from(transfers)).toHaveLength(1);
  });

  it("the same body written another way (keys in another order) is the same request", async () => {
    const lookupId = await lookUp();
    const first = await call(h, "createPayout", { key, raw: JSON.stringify({ lookup_id: lookupId, memo: "a" }), idempotencyKey: "k" });
    const again = await call(h, "createPayout", { key, raw: JSON.stringify({ memo: "a", lookup_id: lookupId }), idempotencyKey: "k" });
    expect(again.json).toEqual(first.json);
  });

  it("a claim whose request died is taken over after 5 minutes; a fresh one answers 409 with Retry-After", async () => {
    const lookupId = await lookUp();
    const body = { lookup_id: lookupId };
    // A claim left behind by a request that died before answering (the process stopped).
    const { requestHashOf } = await import("@/lib/api/idempotency");
    const apiKeyId = (await first(h.db.select().from((await import("@/db/schema")).apiKeys).limit(1)))!.id;
    await h.db.insert(idempotencyKeys).values({ apiKeyId, operation: "POST /payouts", key: "k", requestHash: requestHashOf({ lookup_id: lookupId }), state: "pending", createdAt: h.now() });
    h.apiDeps.idempotencyWaitMs = 200;
    const waiting = await call(h, "createPayout", { key, body, idempotencyKey: "k" });
    expect(waiting.status).toBe(409);
    expect(waiting.headers.get("retry-after")).toBe("5");
    h.advance(staleAfterMs);
    const taken = await call(h, "createPayout", { key, body, idempotencyKey: "k" });
    expect(taken.status).toBe(201);
    expect(await h.db.select().from(transfers)).toHaveLength(1);
  });

  it("keys are per API key: another key's same Idempotency-Key is its own", async () => {
    const lookupId = await lookUp();
    expect((await call(h, "createPayout", { key, body: { lookup_id: lookupId }, idempotencyKey: "k" })).status).toBe(201);
    const other = (await makeKey(h, { scopes: ["payouts:create"], owner: h.staff })).key;
    // Its own claim; the look-up already made its payout, so the domain answers that payout (one look-up, one payout).
    const answer = await call(h, "createPayout", { key: other, body: { lookup_id: lookupId }, idempotencyKey: "k" });
    expect(answer.status).toBe(201);
    expect(await h.db.select().from(transfers)).toHaveLength(1);
  });
});
