import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { transfers } from "@/db/schema";
import { maxBodyBytes } from "@/lib/api/route";
import { call, createApiHarness, makeKey, type ApiHarness } from "./support";

/** docs/api.md#requests and #errors: bad input gets a problem with a clear detail, and nothing changes. */

let h: ApiHarness;
let key: string;
beforeEach(async () => {
  h = await createApiHarness({ perMinute: 5 });
  key = (await makeKey(h, { scopes: ["payouts:create"], owner: h.staff })).key;
});
afterEach(() => h.close());

const lookup = { wallet: "DANA", phone: "081234567890", amount: 10_000 };
const payoutCount = async () => (await h.db.select().from(transfers)).length;

describe("bad requests", () => {
  it("POST /payouts without an Idempotency-Key: 400, nothing made", async () => {
    const answer = await call(h, "createPayout", { key, body: { lookup_id: "INQ1" } });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ type: "/docs/api#idempotency-key-missing", detail: expect.stringContaining("needs an Idempotency-Key header") });
    expect((await call(h, "createPayout", { key, body: { lookup_id: "INQ1" }, idempotencyKey: "x".repeat(256) })).status).toBe(400);
    expect(await payoutCount()).toBe(0);
  });

  it("an unknown field: 422 naming it", async () => {
    const answer = await call(h, "createLookup", { key, body: { ...lookup, amout: 5 } });
    expect(answer.status).toBe(422);
    expect(answer.json.errors).toEqual([{ field: "", message: "Unknown field: amout." }]);
  });

  it("a field that is not valid: 422 with the field and an English message", async () => {
    const answer = await call(h, "createLookup", { key, body: { ...lookup, wallet: "PAYPAL" } });
    expect(answer.status).toBe(422);
    expect(answer.json.errors).toEqual([{ field: "wallet", message: expect.any(String) }]);
  });

  it("another content type: 415", async () => {
    const answer = await call(h, "createLookup", { key, raw: "wallet=DANA", contentType: "application/x-www-form-urlencoded" });
    expect(answer.status).toBe(415);
    expect(answer.json.detail).toContain("Content-Type: application/json");
  });

  it("a body over 1 MB: 413, whatever Content-Length says", async () => {
    const raw = JSON.stringify({ ...lookup, memo: "x".repeat(maxBodyBytes) });
    const answer = await call(h, "createLookup", { key, raw, headers: { "content-length": "10" } });
    expect(answer.status).toBe(413);
  });

  it("JSON that does not parse: 400", async () => {
    const answer = await call(h, "createLookup", { key, raw: "{ wallet: DANA" });
    expect(answer.status).toBe(400);
    expect(answer.json.detail).toContain("not valid JSON");
  });

  it("too many requests: 429 with Retry-After, not audited per request", async () => {
    for (let i = 0; i < 5; i++) expect((await call(h, "createLookup", { key, body: { ...lookup, amout: 1 } })).status).toBe(422);
    const answer = await call(h, "createLookup", { key, body: lookup });
    expect(answer.status).toBe(429);
    expect(Number(answer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(answer.json.type).toBe("/docs/api#rate-limited");
  });
});

describe("GET /payouts: cursor pagination", () => {
  it("walks every payout newest first, a page at a time, to next_cursor null; filters by status", async () => {
    const reader = (await makeKey(h, { scopes: ["payouts:read", "payouts:create"], owner: h.staff })).key;
    for (const amount of [10_000, 11_000, 12_000]) {
      await h.send({ phone: "6281234567890", amount }, h.staff, { separate: true });
      h.advance(1000);
    }
    const seen: unknown[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const answer = await call(h, "listPayouts", { key: reader, query: { limit: "2", ...(cursor ? { cursor } : {}) } });
      expect(answer.status).toBe(200);
      seen.push(...(answer.json.data as { amount: number }[]).map((p) => p.amount));
      cursor = (answer.json.next_cursor as string | null) ?? undefined;
      if (!cursor) break;
    }
    expect(seen).toEqual([12_000, 11_000, 10_000]);
    const none = await call(h, "listPayouts", { key: reader, query: { status: "failed" } });
    expect(none.json).toEqual({ data: [], next_cursor: null });
  });

  it("a bad status, date, limit or cursor is refused with a clear detail", async () => {
    const reader = (await makeKey(h, { scopes: ["payouts:read"], owner: h.staff })).key;
    const status = await call(h, "listPayouts", { key: reader, query: { status: "paid" } });
    expect(status.status).toBe(422);
    expect(status.json.errors).toEqual([{ field: "query.status", message: expect.stringContaining("Unknown status paid") }]);
    expect((await call(h, "listPayouts", { key: reader, query: { from: "yesterday" } })).status).toBe(422);
    expect((await call(h, "listPayouts", { key: reader, query: { limit: "101" } })).status).toBe(422);
    expect((await call(h, "listPayouts", { key: reader, query: { colour: "red" } })).status).toBe(422);
    const cursor = await call(h, "listPayouts", { key: reader, query: { cursor: "not-ours" } });
    expect(cursor.status).toBe(400);
    expect(cursor.json.detail).toContain("cursor");
  });
});
