import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEntries, webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookEventType } from "@/db/schema";
import { payoutSchema } from "@/lib/api/representation";
import { open } from "@/lib/auth/secret-box";
import { parseBatchCsv } from "@/lib/batches/parse";
import { createBatch } from "@/lib/batches/rows";
import { runBatch } from "@/lib/batches/runner";
import { submitBatch } from "@/lib/batches/submit";
import { transition } from "@/lib/transfers/lifecycle";
import { reconcileDue } from "@/lib/transfers/reconcile";
import { attemptTimeoutMs, deliverDue, giveUpAfterMs, retryDelayMs, type Poster, type WebhookDeps } from "@/lib/webhooks/deliver";
import { createEndpoint, resendDelivery, setEndpointActive } from "@/lib/webhooks/endpoints";
import { sign, verify } from "@/lib/webhooks/signature";
import { checkWebhookUrl, type Resolver, type UrlPolicy } from "@/lib/webhooks/url";
import { translatorIn } from "@/lib/i18n/translate";
import { formatFor } from "@/lib/format";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/**
 * docs/webhooks.md: events written with their change, delivered signed to a real HTTP receiver on 127.0.0.1, retried
 * with back-off on a controlled clock, resent by a person, and never sent where the SSRF guard forbids.
 */

process.env.AUTH_SECRET ??= "webhook-tests-secret-0123456789abcdef0123456789";

type Received = { headers: Record<string, string>; body: string };

/** A receiver on loopback answering `status()`; it can be stopped and started again on the same port. */
async function startReceiver(port = 0) {
  const received: Received[] = [];
  let status = 200;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(status < 300 ? "thanks" : "receiver is broken");
    });
  };
  let server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}/hooks/cashin`,
    received,
    answer: (code: number) => (status = code),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    start: async () => {
      server = createServer(handler);
      await new Promise<void>((resolve) => server.listen(bound, "127.0.0.1", resolve));
    },
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

const loopback: UrlPolicy = { allowLoopback: true };
const production: UrlPolicy = { allowLoopback: false };
const english = (words: (t: ReturnType<typeof translatorIn>, f: ReturnType<typeof formatFor>) => string) => words(translatorIn("en"), formatFor("en"));

let h: Harness;
let receiver: Receiver;
let deps: WebhookDeps;

beforeEach(async () => {
  h = await createHarness();
  receiver = await startReceiver();
  paid = 0;
  // No jitter: each back-off is exactly its base (30 s, 1 min, …).
  deps = { db: h.db, now: h.now, policy: loopback, random: () => 0.5 };
});

afterEach(async () => {
  await receiver.stop().catch(() => {});
  await h.close();
});

async function register(events: WebhookEventType[] = ["payout.succeeded", "payout.failed", "payout.awaiting_approval"], url = receiver.url) {
  const created = expectOk(await createEndpoint(deps, { actor: h.admin, ip: "203.0.113.9" }, { url, description: "ERP", events }));
  return created;
}

const deliveries = async () => h.db.select().from(webhookDeliveries);
const attempts = async () => h.db.select().from(webhookAttempts);

let paid = 0;
/** A payout that succeeds at once; each one a different amount, so that none is a near-duplicate of the one before. */
async function succeededPayout() {
  const created = expectOk(await h.send({ phone: "628111000001", amount: 50_000 + 1_000 * paid++ }));
  expect((await h.transfer(created.transferId)).status).toBe("succeeded");
  return created;
}

describe("signatures", () => {
  it("matches a vector computed with openssl (HMAC-SHA256 over id.timestamp.body, key = the secret's base64 bytes)", () => {
    // printf '%s' 'evt_test.1764640000.{"a":1}' | openssl dgst -sha256 -mac HMAC -macopt hexkey:000102…1f -binary | base64
    const secret = `whsec_${Buffer.from([...Array(32).keys()]).toString("base64")}`;
    expect(sign(secret, "evt_test", 1764640000, '{"a":1}')).toBe("v1,CTZZk5iVlbiJk9Akc9fPldA71McgYCcWd+TpXlKpHZ8=");
  });

  it("a delivery verifies at the receiver with the documented algorithm; an altered body or an old timestamp does not", async () => {
    const { secret } = await register();
    await succeededPayout();
    expect(await deliverDue(deps)).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    const [got] = receiver.received;
    expect(got!.headers["content-type"]).toBe("application/json");
    expect(got!.headers["user-agent"]).toMatch(/^CashInPayouts-Webhooks/);
    const nowS = Math.floor(h.now().getTime() / 1000);
    expect(Number(got!.headers["webhook-timestamp"])).toBe(nowS);
    expect(verify(secret, got!.headers, got!.body, nowS)).toBe(true);
    expect(verify(secret, got!.headers, got!.body.replace("50000", "90000"), nowS)).toBe(false);
    expect(verify(secret, got!.headers, got!.body, nowS + 600)).toBe(false);
    // The payload: the event id in the header, the payout in the API's one shape.
    const payload = JSON.parse(got!.body);
    expect(payload).toMatchObject({ id: got!.headers["webhook-id"], type: "payout.succeeded" });
    expect(payoutSchema.parse(payload.data.payout)).toMatchObject({ status: "succeeded", amount: 50_000, phone: "628111000001", currency: "IDR" });
    // The secret is sealed at rest, and never in the audit trail.
    const stored = (await h.db.select().from(webhookEndpoints).limit(1))[0]!;
    expect(stored.secret).not.toContain(secret.slice(6));
    expect(open(stored.secret)).toBe(secret);
    expect(JSON.stringify(await h.db.select().from(auditEntries))).not.toContain(secret.slice(6, 20));
  });
});

describe("events", () => {
  it("are written with the change for each subscribed active endpoint, one event id shared, payload built now", async () => {
    await register(["payout.succeeded"]);
    const second = await startReceiver();
    await register(["payout.succeeded", "payout.failed"], second.url);
    await register(["payout.failed"], `${second.url}/other`);
    await succeededPayout();
    const rows = await deliveries();
    expect(rows.map((r) => [r.endpointId, r.eventType, r.state])).toEqual([
      [1, "payout.succeeded", "pending"],
      [2, "payout.succeeded", "pending"],
    ]);
    expect(rows[0]!.eventId).toBe(rows[1]!.eventId);
    expect(rows[0]!.payload).toBe(rows[1]!.payload);
    await second.stop();
  });

  it("a failed payout and one waiting for approval are told too", async () => {
    await register();
    expectOk(await h.send({ phone: "628111000009", amount: 60_000 }));
    expectOk(await h.send({ phone: "628111000001", amount: 6_000_000 }));
    expect((await deliveries()).map((r) => [r.eventType, JSON.parse(r.payload).data.payout.status])).toEqual([
      ["payout.failed", "failed"],
      ["payout.awaiting_approval", "awaiting_approval"],
    ]);
  });

  it("an event whose change rolled back is never delivered", async () => {
    await register();
    const created = expectOk(await h.send({ phone: "628111000001", amount: 6_000_000 }));
    const before = (await deliveries()).length;
    await expect(
      h.db.transaction(async (tx) => {
        await transition(tx, created.transferId, "awaiting_approval", "approved", { approverId: h.manager.id, decidedAt: h.now() }, { actor: h.manager, ip: null }, h.now());
        // Moved, with an event for anyone asking… then the change fails.
        throw new Error("the approval failed after the move");
      }),
    ).rejects.toThrow();
    const reverted = await h.transfer(created.transferId);
    expect(reverted.status).toBe("awaiting_approval");
    // A succeeded move inside a rolled-back transaction leaves no delivery either.
    await expect(
      h.db.transaction(async (tx) => {
        await transition(tx, created.transferId, "awaiting_approval", "approved", {}, { actor: h.manager, ip: null }, h.now());
        await transition(tx, created.transferId, "approved", "sending", {}, { actor: h.manager, ip: null }, h.now());
        await transition(tx, created.transferId, "sending", "succeeded", { settledAt: h.now() }, { actor: h.manager, ip: null }, h.now());
        // Read through the transaction: the database outside it sees only what is committed.
        expect((await tx.select().from(webhookDeliveries)).filter((d) => d.eventType === "payout.succeeded")).toHaveLength(1);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await deliveries()).toHaveLength(before);
    expect(await deliverDue(deps)).toMatchObject({ delivered: before });
    expect(receiver.received.map((r) => JSON.parse(r.body).type)).toEqual(["payout.awaiting_approval"]);
  });

  it("a disabled endpoint gets nothing: no new events, and what waited is not sent", async () => {
    const { endpointId } = await register();
    await succeededPayout();
    expectOk(await setEndpointActive(deps, { actor: h.admin, ip: null }, { endpointId, active: false }));
    await succeededPayout();
    expect(await deliveries()).toHaveLength(1);
    expect(await deliverDue(deps)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(receiver.received).toHaveLength(0);
    // Enabled again within the 24 hours: what waited goes.
    expectOk(await setEndpointActive(deps, { actor: h.admin, ip: null }, { endpointId, active: true }));
    expect(await deliverDue(deps)).toMatchObject({ delivered: 1 });
    expect((await h.db.select().from(auditEntries)).map((e) => e.action)).toEqual(expect.arrayContaining(["webhook.created", "webhook.disabled", "webhook.enabled"]));
  });
});

describe("delivery", () => {
  it("a receiver that is down is retried with back-off and gets the event once it is up: one success logged", async () => {
    await register();
    await receiver.stop();
    await succeededPayout();
    expect(await deliverDue(deps)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect((await attempts())[0]).toMatchObject({ status: null, excerpt: expect.stringMatching(/Connection refused/) });
    expect((await deliveries())[0]!.nextAttemptAt.getTime()).toBe(h.now().getTime() + 30_000);
    // Not due yet: nothing is tried.
    h.advance(29_000);
    expect(await deliverDue(deps)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    h.advance(1_000);
    expect(await deliverDue(deps)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect((await deliveries())[0]!.nextAttemptAt.getTime()).toBe(h.now().getTime() + 60_000);
    await receiver.start();
    h.advance(60_000);
    expect(await deliverDue(deps)).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    h.advance(3_600_000);
    expect(await deliverDue(deps)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(receiver.received).toHaveLength(1);
    expect((await deliveries())[0]).toMatchObject({ state: "delivered", attempts: 3 });
    expect((await attempts()).map((a) => a.status)).toEqual([null, null, 200]);
  });

  it("a 500 answer (or a redirect) is retried; the log keeps the status and the start of the body", async () => {
    await register();
    receiver.answer(500);
    await succeededPayout();
    expect(await deliverDue(deps)).toMatchObject({ retrying: 1 });
    receiver.answer(302);
    h.advance(30_000);
    expect(await deliverDue(deps)).toMatchObject({ retrying: 1 });
    receiver.answer(204);
    h.advance(60_000);
    expect(await deliverDue(deps)).toMatchObject({ delivered: 1 });
    expect((await attempts()).map((a) => [a.status, a.excerpt])).toEqual([
      [500, "receiver is broken"],
      [302, "receiver is broken"],
      [204, ""],
    ]);
  });

  it("back-off doubles from 30 s up to 1 hour, with jitter of at most a quarter", () => {
    expect([1, 2, 3, 4, 7, 8, 20].map((n) => retryDelayMs(n, () => 0.5))).toEqual([30_000, 60_000, 120_000, 240_000, 1_920_000, 3_600_000, 3_600_000]);
    expect(retryDelayMs(1, () => 0)).toBe(22_500);
    expect(retryDelayMs(1, () => 0.999999)).toBeLessThanOrEqual(37_500);
  });

  it("is given up 24 hours after the event (failed, shown on the page), and an admin can still Resend it", async () => {
    await register();
    receiver.answer(503);
    await succeededPayout();
    const start = h.now().getTime();
    let tries = 0;
    while ((await deliveries())[0]!.state === "pending") {
      h.advance(Math.max(0, (await deliveries())[0]!.nextAttemptAt.getTime() - h.now().getTime()));
      await deliverDue(deps);
      tries++;
      expect(tries).toBeLessThan(40);
    }
    expect((await deliveries())[0]).toMatchObject({ state: "failed" });
    expect(h.now().getTime() - start).toBeLessThanOrEqual(giveUpAfterMs);
    receiver.answer(200);
    const resent = await resendDelivery(deps, { actor: h.admin, ip: "203.0.113.9" }, { deliveryId: (await deliveries())[0]!.id });
    expect(resent).toMatchObject({ ok: true, data: { status: 200 } });
    expect((await deliveries())[0]).toMatchObject({ state: "delivered" });
  });

  it("Resend sends a delivered event again (same id, fresh signature) and logs who pressed it", async () => {
    const { secret } = await register();
    await succeededPayout();
    await deliverDue(deps);
    h.advance(5 * 60_000);
    const resent = await resendDelivery(deps, { actor: h.admin, ip: "203.0.113.9" }, { deliveryId: (await deliveries())[0]!.id });
    expect(resent.ok).toBe(true);
    expect(receiver.received).toHaveLength(2);
    const [first, again] = receiver.received;
    expect(again!.body).toBe(first!.body);
    expect(again!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(verify(secret, again!.headers, again!.body, Math.floor(h.now().getTime() / 1000))).toBe(true);
    expect((await attempts()).map((a) => a.resentBy)).toEqual([null, h.admin.id]);
    const audit = (await h.db.select().from(auditEntries).where(eq(auditEntries.action, "webhook.resent")).limit(1))[0]!;
    expect(audit).toMatchObject({ actorId: h.admin.id });
    expect(audit.after).toMatchObject({ eventId: first!.headers["webhook-id"], status: 200, delivered: true });
  });
});

describe("a crash between the status change and the delivery", () => {
  it("the event is in the outbox once the change commits, with no worker running; a worker that dies mid-attempt leaves it to the next once its lease lapses", async () => {
    await register();
    await succeededPayout();
    // Committed with the change: nothing was sent, nothing is lost.
    expect(await deliveries()).toMatchObject([{ state: "pending", attempts: 0 }]);
    // A worker takes it and dies while its request hangs (never answers).
    const hanging: Poster = () => new Promise(() => {});
    void deliverDue({ ...deps, post: hanging });
    await new Promise((r) => setTimeout(r, 50));
    // Meanwhile another worker does not send it again.
    expect(await deliverDue(deps)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(receiver.received).toHaveLength(0);
    // The lease lapses (longer than an attempt's timeout); a new worker delivers it, once.
    expect(attemptTimeoutMs).toBeLessThan(60_000);
    h.advance(61_000);
    expect(await deliverDue(deps)).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(await deliverDue(deps)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(receiver.received).toHaveLength(1);
  });
});

describe("SSRF guard", () => {
  const resolver =
    (table: Record<string, string[]>): Resolver =>
    async (host) =>
      (table[host] ?? []).map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  const refusal = async (url: string, policy: UrlPolicy, resolve: Resolver = resolver({})) => {
    const verdict = await checkWebhookUrl(url, policy, resolve);
    return verdict.ok ? null : english(verdict.problem);
  };

  it("https only in production; http only to loopback, and only outside production", async () => {
    expect(await refusal("http://hooks.example.co.id/x", production, resolver({ "hooks.example.co.id": ["203.0.113.10"] }))).toMatch(/HTTPS only/);
    expect(await refusal("http://127.0.0.1:9/x", production)).toMatch(/HTTPS only/);
    expect(await refusal("http://hooks.example.co.id/x", loopback, resolver({ "hooks.example.co.id": ["203.0.113.10"] }))).toMatch(/HTTPS only/);
    expect(await refusal("ftp://hooks.example.co.id/x", loopback)).toMatch(/HTTPS only/);
    expect(await refusal("http://127.0.0.1:9/x", loopback)).toBeNull();
    expect(await refusal("https://hooks.example.co.id:8443/x", production, resolver({ "hooks.example.co.id": ["93.184.216.34"] }))).toBeNull();
  });

  it("refuses each private, loopback, link-local, unique-local, CGNAT, multicast, unspecified and metadata address", async () => {
    const cases: [string, RegExp][] = [
      ["https://127.0.0.1/x", /this machine itself/],
      ["https://[::1]/x", /this machine itself/],
      ["https://10.1.2.3/x", /private network address \(10\.1\.2\.3\)/],
      ["https://172.16.5.4/x", /private network/],
      ["https://192.168.1.10/x", /private network/],
      ["https://[::ffff:10.0.0.1]/x", /private network address \(10\.0\.0\.1\)/],
      ["https://169.254.169.254/latest/meta-data", /link-local .*metadata/],
      ["https://[fe80::1]/x", /link-local/],
      ["https://[fd00:ec2::254]/x", /private IPv6/],
      ["https://100.64.0.1/x", /carrier-grade NAT/],
      ["https://100.100.100.200/x", /carrier-grade NAT/],
      ["https://224.0.0.1/x", /multicast/],
      ["https://255.255.255.255/x", /multicast or broadcast/],
      ["https://0.0.0.0/x", /unspecified/],
      ["https://[::]/x", /unspecified/],
      ["https://[64:ff9b::a00:1]/x", /reserved/],
    ];
    for (const [url, problem] of cases) expect(await refusal(url, production), url).toMatch(problem);
    // Outside production only loopback opens: the other ranges stay shut.
    for (const [url, problem] of cases.filter(([u]) => !u.includes("127.0.0.1") && !u.includes("[::1]"))) expect(await refusal(url, loopback), url).toMatch(problem);
  });

  it("allows IPv6 only inside global unicast 2000::/3, not its special ranges; IPv4-compatible and NAT64 forms of loopback are refused", async () => {
    const refused: [string, RegExp][] = [
      ["https://[::7f00:1]/x", /reserved address \(::7f00:1\)/],
      ["https://[::ffff:127.0.0.1]/x", /this machine itself \(127\.0\.0\.1\)/],
      ["https://[64:ff9b::7f00:1]/x", /reserved address/],
      ["https://[2001:db8::1]/x", /reserved address \(2001:db8::1\)/],
      ["https://[2002:7f00:1::1]/x", /reserved address/],
      ["https://[2001::1]/x", /reserved address/],
      ["https://[100::1]/x", /reserved address/],
      ["https://[4000::1]/x", /reserved address/],
    ];
    for (const [url, problem] of refused) expect(await refusal(url, production), url).toMatch(problem);
    // A name resolving to an IPv4-compatible loopback is refused too.
    expect(await refusal("https://sneaky.example/x", production, resolver({ "sneaky.example": ["::7f00:1"] }))).toMatch(/sneaky\.example leads to a reserved address/);
    // Real global addresses pass.
    expect(await refusal("https://[2606:4700:4700::1111]/x", production)).toBeNull();
    expect(await refusal("https://hooks.example.co.id/x", production, resolver({ "hooks.example.co.id": ["2a00:1450:4001:81b::200e", "93.184.216.34"] }))).toBeNull();
  });

  it("refuses a name that resolves to a private or loopback address (any of its addresses), or to nothing, and credentials in the URL", async () => {
    const dns = resolver({ "evil.example": ["127.0.0.1"], "mixed.example": ["93.184.216.34", "10.0.0.7"], localhost: ["127.0.0.1", "::1"] });
    expect(await refusal("https://evil.example/x", production, dns)).toBe("evil.example leads to this machine itself (127.0.0.1), which webhooks may not reach");
    expect(await refusal("https://mixed.example/x", production, dns)).toMatch(/mixed\.example leads to a private network address \(10\.0\.0\.7\)/);
    expect(await refusal("https://localhost/x", production, dns)).toMatch(/this machine itself/);
    expect(await refusal("https://nowhere.example/x", production, dns)).toMatch(/could not be found/);
    expect(await refusal("https://user:pw@93.184.216.34/x", production)).toMatch(/user name and password/);
  });

  it("checks again at each delivery: a name that now resolves privately (DNS rebinding) is not sent to", async () => {
    let answer = "93.184.216.34";
    const dns: Resolver = async () => [{ address: answer, family: 4 }];
    const strict = { ...deps, policy: production, resolve: dns };
    const created = expectOk(await createEndpoint(strict, { actor: h.admin, ip: null }, { url: "https://hooks.example.co.id/x", description: null, events: ["payout.succeeded"] }));
    expect(created.endpointId).toBeGreaterThan(0);
    await succeededPayout();
    answer = "127.0.0.1";
    const sent: string[] = [];
    const post: Poster = async (target) => {
      sent.push(target.address);
      return { status: 200, body: "" };
    };
    expect(await deliverDue({ ...strict, post })).toMatchObject({ retrying: 1 });
    expect(sent).toEqual([]);
    expect((await attempts())[0]!.excerpt).toMatch(/^Not sent: hooks\.example\.co\.id leads to this machine itself/);
    // Public again: sent to the address that was checked.
    answer = "93.184.216.35";
    h.advance(30_000);
    expect(await deliverDue({ ...strict, post })).toMatchObject({ delivered: 1 });
    expect(sent).toEqual(["93.184.216.35"]);
  });

  it("the save refuses a bad URL with nothing saved, and audits the refusal", async () => {
    const refused = await createEndpoint({ ...deps, policy: production }, { actor: h.admin, ip: "203.0.113.9" }, { url: "https://10.0.0.5/hook", description: null, events: ["payout.succeeded"] });
    expect(refused).toMatchObject({ ok: false, code: "invalid", fieldErrors: { url: [expect.stringMatching(/private network/)] } });
    expect(await h.db.select().from(webhookEndpoints)).toHaveLength(0);
    expect(await h.db.select().from(auditEntries).where(eq(auditEntries.action, "webhook.refused"))).toHaveLength(1);
  });
});

describe("batch.completed", () => {
  it("is written once, when the batch is sent and its last open row settles; its rows' events carry the batch reference", async () => {
    await register(["payout.succeeded", "batch.completed"]);
    const parsed = parseBatchCsv(["wallet,phone,amount,note", "DANA,628111000001,10000,", "DANA,628111000002,20000,"].join("\n"));
    if (!parsed.ok) throw new Error(parsed.message);
    const batchId = expectOk(await createBatch(h.deps, { actor: h.staff, ip: null }, { fileName: "payroll.csv", rows: parsed.rows })).batchId;
    await runBatch(h.deps, batchId, { backoffMs: 5 });
    expectOk(await submitBatch(h.deps, { actor: h.staff, ip: null }, { batchId }));
    await runBatch(h.deps, batchId, { backoffMs: 5 });
    // Sent, but Budi's row is still processing: not completed yet.
    expect((await deliveries()).map((d) => d.eventType)).toEqual(["payout.succeeded"]);
    for (let i = 0; i < 6 && (await deliveries()).length < 3; i++) {
      h.advance(10 * 60_000);
      await reconcileDue(h.deps);
    }
    expect((await deliveries()).map((d) => d.eventType)).toEqual(["payout.succeeded", "payout.succeeded", "batch.completed"]);
    const [first, , completed] = (await deliveries()).map((d) => JSON.parse(d.payload));
    expect(first.data.payout.batch_reference).toMatch(/^BAT/);
    expect(completed.data.batch).toMatchObject({
      reference: first.data.payout.batch_reference,
      status: "sent",
      payouts: 2,
      amount: 30_000,
      succeeded: { count: 2, amount: 30_000 },
      failed: { count: 0, amount: 0 },
    });
  });
});
