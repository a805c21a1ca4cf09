import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { webhookAttempts, webhookDeliveries } from "@/db/schema";
import type { WebhookDeps } from "@/lib/webhooks/deliver";
import { createEndpoint, deliveryLog } from "@/lib/webhooks/endpoints";
import { hourlySweeper, sweepWebhookLog } from "@/lib/webhooks/retention";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/** docs/webhooks.md#how-long-the-log-is-kept: delivered ones 30 days, given-up ones 90 days, waiting ones always. */

process.env.AUTH_SECRET ??= "webhook-tests-secret-0123456789abcdef0123456789";

const day = 24 * 3_600_000;
let h: Harness;
let deps: WebhookDeps;
let endpointId: number;

beforeEach(async () => {
  h = await createHarness();
  deps = { db: h.db, now: h.now, policy: { allowLoopback: true } };
  endpointId = expectOk(await createEndpoint(deps, { actor: h.admin, ip: null }, { url: "http://127.0.0.1:9/hook", description: null, events: ["payout.succeeded"] })).endpointId;
});
afterEach(async () => h.close());

let n = 0;
/** A delivery written now in `state`, with `tries` attempts logged. */
async function delivery(state: "pending" | "delivered" | "failed", tries = 2, createdAt = h.now()) {
  const eventId = `evt_${state}_${n++}`;
  const [row] = await h.db
    .insert(webhookDeliveries)
    .values({ endpointId, eventId, eventType: "payout.succeeded", payload: "{}", state, attempts: tries, nextAttemptAt: createdAt, createdAt })
    .returning();
  for (let i = 0; i < tries; i++) await h.db.insert(webhookAttempts).values({ deliveryId: row!.id, at: h.now(), status: i === tries - 1 && state === "delivered" ? 200 : 500, latencyMs: 5, excerpt: "" });
  return eventId;
}

const kept = async () => (await h.db.select().from(webhookDeliveries)).map((d) => d.eventId).sort();
const attemptCount = async () => (await h.db.select().from(webhookAttempts)).length;

describe("the log's retention", () => {
  it("deletes delivered deliveries with their attempts after 30 days and given-up ones after 90; never waiting ones", async () => {
    const delivered = await delivery("delivered");
    const failed = await delivery("failed");
    const waiting = await delivery("pending");
    h.advance(2 * day);
    const younger = await delivery("delivered");
    h.advance(30 * day - 2 * day - 1);
    expect(await sweepWebhookLog(h.db, h.now())).toEqual({ deliveries: 0, attempts: 0 });
    h.advance(1);
    expect(await sweepWebhookLog(h.db, h.now())).toEqual({ deliveries: 0, attempts: 0 });
    h.advance(1);
    expect(await sweepWebhookLog(h.db, h.now())).toEqual({ deliveries: 1, attempts: 2 });
    expect(await kept()).toEqual([failed, waiting, younger].sort());
    expect(await attemptCount()).toBe(6);
    h.advance(60 * day);
    expect(await sweepWebhookLog(h.db, h.now())).toEqual({ deliveries: 2, attempts: 4 });
    expect(await kept()).toEqual([waiting]);
    expect((await deliveryLog(h.db, endpointId)).map((d) => d.eventId)).toEqual([waiting]);
    expect(delivered).not.toBe(younger);
  });

  it("works through a large log in small transactions", async () => {
    for (let i = 0; i < 1_200; i++) await delivery("delivered", 1);
    h.advance(31 * day);
    expect(await sweepWebhookLog(h.db, h.now())).toEqual({ deliveries: 1_200, attempts: 1_200 });
    expect(await kept()).toEqual([]);
  });

  it("the worker sweeps at most once an hour", async () => {
    const sweep = hourlySweeper();
    await delivery("delivered");
    h.advance(31 * day);
    expect(await sweep(h.db, h.now())).toEqual({ deliveries: 1, attempts: 2 });
    // Another old one turns up: not swept again within the hour…
    await delivery("delivered", 2, new Date(h.now().getTime() - 31 * day));
    h.advance(59 * 60_000);
    expect(await sweep(h.db, h.now())).toBeNull();
    expect(await kept()).toHaveLength(1);
    // …and swept once the hour is over.
    h.advance(60_000);
    expect(await sweep(h.db, h.now())).toEqual({ deliveries: 1, attempts: 2 });
    expect(await kept()).toEqual([]);
  });
});
