import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { webhookDeliveries, type WebhookEventType } from "@/db/schema";
import { deliverBacklog, deliverDue, type Poster, type WebhookDeps } from "@/lib/webhooks/deliver";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/**
 * docs/webhooks.md#delivery, "Fair and fast": one endpoint's backlog (a batch of thousands of rows) or a slow endpoint
 * does not hold back another endpoint's event, and the worker keeps passing while a backlog waits.
 */

process.env.AUTH_SECRET ??= "webhook-tests-secret-0123456789abcdef0123456789";

let h: Harness;
let deps: WebhookDeps;

beforeEach(async () => {
  h = await createHarness();
  deps = { db: h.db, now: h.now, policy: { allowLoopback: true }, random: () => 0.5 };
});
afterEach(async () => h.close());

async function endpoint(path: string) {
  return expectOk(await createEndpoint(deps, { actor: h.admin, ip: null }, { url: `http://127.0.0.1:9/${path}`, description: null, events: ["payout.succeeded"] })).endpointId;
}

/** `n` waiting deliveries for an endpoint, written oldest first. */
async function backlog(endpointId: number, n: number, tag: string) {
  const type: WebhookEventType = "payout.succeeded";
  const rows = Array.from({ length: n }, (_, i) => ({
    endpointId,
    eventId: `evt_${tag}_${i}`,
    eventType: type,
    payload: JSON.stringify({ id: `evt_${tag}_${i}`, type }),
    state: "pending" as const,
    nextAttemptAt: h.now(),
    createdAt: h.now(),
  }));
  for (let i = 0; i < rows.length; i += 500) await h.db.insert(webhookDeliveries).values(rows.slice(i, i + 500));
}

/** Answers 200 at once and notes which endpoint path got which event. */
function recorder() {
  const got: string[] = [];
  const post: Poster = async (target, headers) => {
    got.push(`${target.url.pathname}:${headers["webhook-id"]}`);
    return { status: 200, body: "" };
  };
  return { got, post };
}

describe("throughput and fairness", () => {
  it("another endpoint's single event goes out in the first pass, however large one endpoint's older backlog", async () => {
    const busy = await endpoint("busy");
    await backlog(busy, 300, "busy");
    h.advance(1_000);
    const quiet = await endpoint("quiet");
    await backlog(quiet, 1, "quiet");
    const { got, post } = recorder();
    expect(await deliverDue({ ...deps, post })).toEqual({ delivered: 50, retrying: 0, failed: 0 });
    expect(got).toContain("/quiet:evt_quiet_0");
  });

  it("a backlog is worked through in one run of passes back to back, not one pass of 50 every interval", async () => {
    const a = await endpoint("a");
    const b = await endpoint("b");
    await backlog(a, 500, "a");
    await backlog(b, 500, "b");
    const { got, post } = recorder();
    const run = await deliverBacklog({ ...deps, post });
    expect(run).toMatchObject({ delivered: 1_000, retrying: 0, failed: 0 });
    expect(run.passes).toBeGreaterThanOrEqual(20);
    expect(new Set(got).size).toBe(1_000);
    expect(await h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.state, "pending"))).toHaveLength(0);
    // Bounded: at most `maxPasses` in one run; the rest waits for the next tick.
    await backlog(a, 200, "later");
    expect(await deliverBacklog({ ...deps, post }, { maxPasses: 2 })).toMatchObject({ delivered: 100, passes: 2 });
  });

  it("an endpoint that does not answer holds at most half the slots: the others' events go out meanwhile", async () => {
    const slow = await endpoint("slow");
    await backlog(slow, 100, "slow");
    h.advance(1_000);
    const fast = await endpoint("fast");
    await backlog(fast, 20, "fast");
    const got: string[] = [];
    let hanging = 0;
    const post: Poster = (target, headers) => {
      if (target.url.pathname === "/slow") {
        hanging++;
        return new Promise(() => {});
      }
      got.push(headers["webhook-id"]!);
      return Promise.resolve({ status: 200, body: "" });
    };
    void deliverDue({ ...deps, post, concurrency: 8 });
    // Every fast event goes out while four slots stay stuck on the slow endpoint (each delivery is a write: on
    // PostgreSQL a few round trips, so no fixed wait).
    await vi.waitFor(() => expect(got).toHaveLength(20), { timeout: 10_000 });
    expect(hanging).toBe(4);
  });

  it("two passes at once (two workers) send each delivery once: the one that loses the lease skips it", async () => {
    const a = await endpoint("a");
    await backlog(a, 10, "a");
    const { got, post } = recorder();
    const [first, second] = await Promise.all([deliverDue({ ...deps, post }), deliverDue({ ...deps, post })]);
    expect(first.delivered + second.delivered).toBe(10);
    expect(got).toHaveLength(10);
  });
});
