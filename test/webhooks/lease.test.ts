import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { webhookAttempts, webhookDeliveries } from "@/db/schema";
import { attemptTimeoutMs, deliverDue, leaseMs, type PostAnswer, type Poster, type WebhookDeps } from "@/lib/webhooks/deliver";
import { createEndpoint, resendDelivery } from "@/lib/webhooks/endpoints";
import { lookupTimeoutMs, type Resolver } from "@/lib/webhooks/url";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/**
 * docs/webhooks.md#delivery, the lease: an attempt always ends within its lease (the DNS look-up has a limit too), a
 * worker whose lease lapsed cannot overwrite what a newer attempt recorded, and Resend takes the lease like a worker.
 */

process.env.AUTH_SECRET ??= "webhook-tests-secret-0123456789abcdef0123456789";

let h: Harness;
let deps: WebhookDeps;

beforeEach(async () => {
  h = await createHarness();
  deps = { db: h.db, now: h.now, policy: { allowLoopback: true }, random: () => 0.5 };
});
afterEach(async () => h.close());

async function oneDelivery(url = "http://127.0.0.1:9/hook", extra: Partial<WebhookDeps> = {}) {
  const { endpointId } = expectOk(await createEndpoint({ ...deps, ...extra }, { actor: h.admin, ip: null }, { url, description: null, events: ["payout.succeeded"] }));
  const [row] = await h.db
    .insert(webhookDeliveries)
    .values({ endpointId, eventId: "evt_lease", eventType: "payout.succeeded", payload: '{"id":"evt_lease"}', state: "pending", nextAttemptAt: h.now(), createdAt: h.now() })
    .returning();
  return row!;
}

/** A poster whose answers the test gives, one request at a time. */
function held() {
  const waiting: ((answer: PostAnswer) => void)[] = [];
  const post: Poster = () => new Promise((resolve) => waiting.push(resolve));
  return { post, waiting, answer: (answer: PostAnswer) => waiting.shift()!(answer) };
}
const tick = () => new Promise((r) => setTimeout(r, 30));
const row = async () => (await first(h.db.select().from(webhookDeliveries).limit(1)))!;
const logged = async () => h.db.select().from(webhookAttempts);

describe("the lease", () => {
  it("is longer than the DNS look-up and the request together, with a margin", () => {
    expect(leaseMs).toBeGreaterThanOrEqual(lookupTimeoutMs + attemptTimeoutMs + 30_000);
  });

  it("a DNS look-up that never answers is given up: a failed attempt with a clear reason, retried later", async () => {
    const silent: Resolver = () => new Promise(() => {});
    await oneDelivery("https://hooks.example.co.id/x", { resolve: async () => [{ address: "93.184.216.34", family: 4 }], policy: { allowLoopback: false } });
    const pass = await deliverDue({ ...deps, resolve: silent, policy: { allowLoopback: false }, lookupTimeoutMs: 100 });
    expect(pass).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect((await logged())[0]).toMatchObject({ status: null, excerpt: "Not sent: Looking up the host hooks.example.co.id (DNS) took longer than 0.1 seconds: check the URL, or try again later" });
    expect(await row()).toMatchObject({ state: "pending", attempts: 1 });
  });

  it("a worker whose lease lapsed logs its answer but does not overwrite what the newer attempt recorded", async () => {
    await oneDelivery();
    const slow = held();
    const first = deliverDue({ ...deps, post: slow.post });
    await tick();
    expect(slow.waiting).toHaveLength(1);
    // The lease lapses; another worker takes the delivery over and gets a 500: retry in 1 min (the second attempt).
    h.advance(leaseMs + 1_000);
    expect(await deliverDue({ ...deps, post: async () => ({ status: 500, body: "down" }) })).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    const retry = (await row()).nextAttemptAt.getTime();
    expect(retry).toBe(h.now().getTime() + 60_000);
    // Now the first worker's answer comes: logged, and nothing else changes.
    slow.answer({ status: 200, body: "late ok" });
    expect(await first).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(await row()).toMatchObject({ state: "pending", deliveredAt: null });
    expect((await row()).nextAttemptAt.getTime()).toBe(retry);
    expect((await logged()).map((a) => [a.status, a.excerpt])).toEqual([
      [500, "down"],
      [200, "late ok"],
    ]);
  });

  it("Resend while a worker sends the delivery is refused (try again in a minute), and goes once the worker is done", async () => {
    const delivery = await oneDelivery();
    const slow = held();
    const pass = deliverDue({ ...deps, post: slow.post });
    await tick();
    const sent: string[] = [];
    const post: Poster = async (_t, headers) => {
      sent.push(headers["webhook-id"]!);
      return { status: 200, body: "" };
    };
    const busy = await resendDelivery({ ...deps, post }, { actor: h.admin, ip: null }, { deliveryId: delivery.id });
    expect(busy).toMatchObject({ ok: false, code: "conflict", message: "This delivery is being sent right now: try again in a minute" });
    expect(sent).toEqual([]);
    slow.answer({ status: 503, body: "" });
    expect(await pass).toMatchObject({ retrying: 1 });
    expect(await resendDelivery({ ...deps, post }, { actor: h.admin, ip: null }, { deliveryId: delivery.id })).toMatchObject({ ok: true });
    expect(sent).toEqual(["evt_lease"]);
    expect(await row()).toMatchObject({ state: "delivered", attempts: 2 });
  });

  it("a worker does not send what a Resend is sending; a Resend that fails puts the schedule back", async () => {
    const delivery = await oneDelivery();
    const slow = held();
    const resend = resendDelivery({ ...deps, post: slow.post }, { actor: h.admin, ip: null }, { deliveryId: delivery.id });
    await tick();
    const sent: string[] = [];
    const post: Poster = async (_t, headers) => {
      sent.push(headers["webhook-id"]!);
      return { status: 200, body: "" };
    };
    expect(await deliverDue({ ...deps, post })).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(sent).toEqual([]);
    slow.answer({ status: 500, body: "" });
    expect(await resend).toMatchObject({ ok: false });
    // Due again as it was before the Resend: the worker delivers it.
    expect(await row()).toMatchObject({ state: "pending", attempts: 1, nextAttemptAt: delivery.nextAttemptAt });
    expect(await deliverDue({ ...deps, post })).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(sent).toEqual(["evt_lease"]);
  });
});
