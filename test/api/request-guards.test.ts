import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEntries } from "@/db/schema";
import { problemContentType } from "@/lib/api/problem";
import { maxBodyBytes } from "@/lib/api/route";
import { call, createApiHarness, makeKey, type ApiHarness } from "./support";

/**
 * docs/api.md#requests: what is refused before any work, what is audited, and how a stored refusal is replayed.
 */

let h: ApiHarness;
let key: string;
beforeEach(async () => {
  h = await createApiHarness();
  key = (await makeKey(h, { scopes: ["payouts:create"], owner: h.staff })).key;
});
afterEach(() => h.close());

const lookup = { wallet: "DANA", phone: "081234567890", amount: 10_000 };
const refusals = async () =>
  (await h.db.select().from(auditEntries).where(eq(auditEntries.action, "api.refused"))).map((entry) => entry.after as { reason: string; operation?: string; key?: string });

describe("Requests refused before any work", () => {
  it("a body announced over 1 MB is refused with 413 before the key is even looked at", async () => {
    const answer = await call(h, "createLookup", { raw: JSON.stringify(lookup), headers: { "content-length": String(maxBodyBytes + 1) } });
    expect(answer.status).toBe(413);
    expect(answer.headers.get("content-type")).toBe(problemContentType);
    expect(await refusals()).toEqual([]);
  });

  it("the API does not pass through proxy.ts (which would read a whole upload before the route's limit): its matcher leaves /api/v1 out", () => {
    const source = readFileSync(resolve(__dirname, "../../proxy.ts"), "utf8");
    const matcher = /matcher:\s*\["([^"]+)"\]/.exec(source)?.[1];
    expect(matcher).toBeDefined();
    const matches = (path: string) => new RegExp(`^${matcher}$`).test(path);
    expect(matches("/transfers")).toBe(true);
    expect(matches("/docs/api")).toBe(true);
    expect(matches("/api/v1/payouts")).toBe(false);
    expect(matches("/api/v1/payouts/TRF1/approve")).toBe(false);
    expect(matches("/api/badges")).toBe(false);
  });
});

describe("Bad input is audited (api.refused), at most once a minute per key and kind of problem", () => {
  it("an unknown field, then again, then a missing Idempotency-Key: two entries, each naming its reason, the operation and the key", async () => {
    expect((await call(h, "createLookup", { key, body: { ...lookup, amout: 1 } })).status).toBe(422);
    expect((await call(h, "createLookup", { key, body: { ...lookup, amout: 2 } })).status).toBe(422);
    expect(await refusals()).toEqual([expect.objectContaining({ reason: "validation-failed", operation: "POST /lookups", key: expect.any(String) })]);
    expect((await call(h, "createPayout", { key, body: { lookup_id: "INQ1" } })).status).toBe(400);
    expect((await refusals()).map((r) => r.reason)).toEqual(["validation-failed", "idempotency-key-missing"]);
    // The key itself is never in the trail.
    expect(JSON.stringify(await h.db.select().from(auditEntries))).not.toContain(key);
  });

  it("a reused Idempotency-Key with another body and a wrong content type are audited too", async () => {
    const first = await call(h, "createPayout", { key, body: { lookup_id: "INQ-none" }, idempotencyKey: "k-1" });
    expect(first.status).toBe(404);
    expect((await call(h, "createPayout", { key, body: { lookup_id: "INQ-other" }, idempotencyKey: "k-1" })).status).toBe(409);
    expect((await call(h, "createLookup", { key, raw: "wallet=DANA", contentType: "text/plain" })).status).toBe(415);
    expect((await refusals()).map((r) => r.reason)).toEqual(["idempotency-key-reused", "unsupported-media-type"]);
  });
});

describe("A stored answer replayed", () => {
  it("a refusal replayed for the same Idempotency-Key and body is problem details again, marked as replayed", async () => {
    const first = await call(h, "createPayout", { key, body: { lookup_id: "INQ-none" }, idempotencyKey: "k-2" });
    expect(first.status).toBe(404);
    expect(first.headers.get("content-type")).toBe(problemContentType);
    const again = await call(h, "createPayout", { key, body: { lookup_id: "INQ-none" }, idempotencyKey: "k-2" });
    expect(again.status).toBe(404);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("content-type")).toBe(problemContentType);
    expect(again.json).toEqual(first.json);
  });
});
