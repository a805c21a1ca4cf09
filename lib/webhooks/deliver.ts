import "server-only";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { and, asc, eq, lte, sql } from "drizzle-orm";
import { first, type Db, type DbOrTx } from "@/db/client";
import { webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookDelivery, type WebhookEndpoint } from "@/db/schema";
import { open } from "@/lib/auth/secret-box";
import { inEnglish } from "@/lib/transfers/words";
import { signedHeaders } from "./signature";
import { checkWebhookUrl, lookupTimeoutMs, systemResolver, urlPolicyFrom, type Resolver, type Target, type UrlPolicy } from "./url";

/**
 * The webhook delivery worker (docs/webhooks.md#delivery). Each pass takes the due deliveries of active endpoints, one at
 * a time with a conditional update that pushes `nextAttemptAt` ahead as a lease (two workers, or a worker restarted
 * after a crash, never send the same attempt at once; a worker that died mid-attempt leaves the row to the next one once
 * the lease lapses), checks the URL again (SSRF guard, lib/webhooks/url.ts), POSTs the exact payload signed, and logs
 * the attempt. A 2xx answer delivers it; anything else, or no answer within 10 s, is retried with back-off until 24 hours
 * after the event, then it is `failed` (an admin may still Resend it).
 */

export const attemptTimeoutMs = 10_000;
/**
 * Longer than one attempt can take (the DNS look-up, at most `lookupTimeoutMs`, then the request, at most
 * `attemptTimeoutMs`) with a wide margin: a live worker finishes before another may take the row over.
 */
export const leaseMs = lookupTimeoutMs + attemptTimeoutMs + 45_000;
export const giveUpAfterMs = 24 * 3_600_000;
export const excerptLength = 500;
/** A pass starts no new attempt after this long, so that events that arrived meanwhile are picked soon. */
export const passBudgetMs = 10_000;

/** 30 s, 1 min, 2 min … at most 1 hour, each ±25 % so that many failed deliveries do not come back at one instant. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
  return Math.round(base * (0.75 + 0.5 * random()));
}

export type PostAnswer = { status: number; body: string } | { status: null; error: string };
/** Sends one request to the checked address (injectable for tests). */
export type Poster = (target: Target, headers: Record<string, string>, body: string, timeoutMs: number) => Promise<PostAnswer>;

export type WebhookDeps = {
  db: Db;
  now: () => Date;
  post?: Poster;
  resolve?: Resolver;
  policy?: UrlPolicy;
  random?: () => number;
  /** Deliveries taken per pass. */
  limit?: number;
  /** Attempts in flight at once (at most half of them to one endpoint). */
  concurrency?: number;
  /** No new attempt starts in a pass after this long (real time); the next pass picks afresh. */
  passBudgetMs?: number;
  /** The host name look-up's limit (tests shorten it). */
  lookupTimeoutMs?: number;
};

/**
 * POSTs to the address that was checked, whatever DNS says a moment later: the connection's look-up is answered
 * with it, while TLS still checks the certificate against the host name. Redirects are not followed (Node's http
 * never does): a 3xx is a failed attempt.
 */
export const httpPoster: Poster = (target, headers, body, timeoutMs) =>
  new Promise((resolve) => {
    const pinned: LookupFunction = (_host, options, callback) => {
      if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    const client = target.url.protocol === "https:" ? https : http;
    let settled = false;
    const done = (answer: PostAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const request = client.request(target.url, { method: "POST", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) }, lookup: pinned, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        // Only the start is kept for the log; a huge answer is not read to its end.
        if (size < 16_384) chunks.push(chunk);
        size += chunk.length;
        if (size >= 16_384) {
          done({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
          response.destroy();
        }
      });
      response.on("end", () => done({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", (error) => done({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") || error.message }));
    });
    const timer = setTimeout(() => {
      done({ status: null, error: `No answer within ${timeoutMs / 1000} s` });
      request.destroy();
    }, timeoutMs);
    request.on("error", (error: NodeJS.ErrnoException) => done({ status: null, error: connectionError(error) }));
    request.end(body);
  });

function connectionError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ECONNREFUSED":
      return "Connection refused: nothing listens at that address and port";
    case "ECONNRESET":
      return "The receiver closed the connection without answering";
    case "ETIMEDOUT":
      return "The connection timed out";
    default:
      return error.code?.startsWith("ERR_TLS") || /certificate/i.test(error.message) ? `TLS failed: ${error.message}` : error.message;
  }
}

export type Attempt = { status: number | null; latencyMs: number; excerpt: string; delivered: boolean };

/** One signed POST of a delivery's payload to its endpoint, the URL checked again first. Logs nothing: the caller does. */
export async function attemptOnce(deps: WebhookDeps, endpoint: WebhookEndpoint, delivery: WebhookDelivery): Promise<Attempt> {
  const started = deps.now();
  const secret = open(endpoint.secret);
  if (!secret) return { status: null, latencyMs: 0, excerpt: "The signing secret cannot be opened (TOTP_KEY or AUTH_SECRET changed): rotate the secret", delivered: false };
  const checked = await checkWebhookUrl(endpoint.url, deps.policy ?? urlPolicyFrom(), deps.resolve ?? systemResolver, deps.lookupTimeoutMs ?? lookupTimeoutMs);
  if (!checked.ok) return { status: null, latencyMs: 0, excerpt: `Not sent: ${inEnglish(checked.problem)}`, delivered: false };
  const timestamp = Math.floor(started.getTime() / 1000);
  const clock = performance.now();
  const answer = await (deps.post ?? httpPoster)(checked.target, signedHeaders(secret, delivery.eventId, timestamp, delivery.payload), delivery.payload, attemptTimeoutMs);
  const latencyMs = Math.round(performance.now() - clock);
  if (answer.status === null) return { status: null, latencyMs, excerpt: answer.error.slice(0, excerptLength), delivered: false };
  return { status: answer.status, latencyMs, excerpt: answer.body.slice(0, excerptLength), delivered: answer.status >= 200 && answer.status < 300 };
}

export type WebhookPass = { delivered: number; retrying: number; failed: number };

/**
 * Takes one due delivery: returns it with its lease, or null when another worker (or a Resend) took it first. Taking
 * counts the attempt as started (`attempts` + 1); logging it sets `attempts` to the attempts logged, so a delivery with
 * more attempts started than logged and a lease not yet lapsed has one under way (`underWay`).
 */
async function take(db: Db, delivery: WebhookDelivery, now: Date): Promise<WebhookDelivery | null> {
  return db.transaction(
    async (tx) =>
      (await first(
        tx
          .update(webhookDeliveries)
          .set({ nextAttemptAt: new Date(now.getTime() + leaseMs), attempts: sql`${webhookDeliveries.attempts} + 1` })
          .where(
            and(
              eq(webhookDeliveries.id, delivery.id),
              eq(webhookDeliveries.state, "pending"),
              eq(webhookDeliveries.nextAttemptAt, delivery.nextAttemptAt),
              eq(webhookDeliveries.attempts, delivery.attempts),
            ),
          )
          .returning(),
      )) ?? null,
  );
}

/** How many attempts of a delivery are logged. */
const logged = (deliveryId: number) => sql<number>`(select count(*) from ${webhookAttempts} where ${webhookAttempts.deliveryId} = ${deliveryId})`.mapWith(Number);

/** Whether a worker (or a Resend) is sending this delivery right now: an attempt started, not logged, its lease not lapsed. */
export async function underWay(db: DbOrTx, delivery: WebhookDelivery, now: Date): Promise<boolean> {
  if (delivery.nextAttemptAt.getTime() <= now.getTime()) return false;
  const n = (await first(db.select({ n: logged(delivery.id) }).from(webhookDeliveries).where(eq(webhookDeliveries.id, delivery.id)).limit(1)))?.n ?? 0;
  return delivery.attempts > Number(n);
}

/**
 * A Resend's lease: the delivery taken whatever its state, unless an attempt is under way or its endpoint is disabled.
 * Returns the row with its lease, its endpoint, and the schedule to put back if the Resend does not deliver it; null when
 * it is being sent right now.
 */
export async function takeForResend(
  db: Db,
  deliveryId: number,
  now: Date,
): Promise<{ taken: WebhookDelivery; endpoint: WebhookEndpoint; resumeAt: Date } | null | "missing" | "disabled"> {
  return db.transaction(
    async (tx) => {
      const found = await first(
        tx
          .select({ row: webhookDeliveries, endpoint: webhookEndpoints })
          .from(webhookDeliveries)
          .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
          .where(eq(webhookDeliveries.id, deliveryId))
          .limit(1),
      );
      if (!found) return "missing" as const;
      const { row, endpoint } = found;
      if (!endpoint.active) return "disabled" as const;
      if (await underWay(tx, row, now)) return null;
      const taken = await first(
        tx
          .update(webhookDeliveries)
          .set({ nextAttemptAt: new Date(now.getTime() + leaseMs), attempts: sql`${webhookDeliveries.attempts} + 1` })
          .where(and(eq(webhookDeliveries.id, row.id), eq(webhookDeliveries.nextAttemptAt, row.nextAttemptAt), eq(webhookDeliveries.attempts, row.attempts)))
          .returning(),
      );
      return taken ? { taken, endpoint, resumeAt: row.nextAttemptAt } : null;
    },
  );
}

export type WebhookRun = WebhookPass & { passes: number };

/**
 * The due deliveries of one pass, fairly across endpoints: each active endpoint's oldest due ones (at most `limit` of
 * each), taken in turn (round-robin: the first of each endpoint, then the second of each …), at most `limit` in all.
 * So one endpoint's backlog of thousands cannot push another endpoint's single event out of the pass.
 */
async function duePicks(db: Db, now: Date, limit: number): Promise<{ delivery: WebhookDelivery; endpoint: WebhookEndpoint }[]> {
  const endpoints = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.active, true)).orderBy(asc(webhookEndpoints.id));
  const queues: { delivery: WebhookDelivery; endpoint: WebhookEndpoint }[][] = [];
  for (const endpoint of endpoints) {
    const due = await db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookDeliveries.state, "pending"), lte(webhookDeliveries.nextAttemptAt, now)))
      .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
      .limit(limit);
    if (due.length > 0) queues.push(due.map((delivery) => ({ delivery, endpoint })));
  }
  const picks: { delivery: WebhookDelivery; endpoint: WebhookEndpoint }[] = [];
  for (let i = 0; picks.length < limit && queues.some((q) => i < q.length); i++) {
    for (const queue of queues) if (i < queue.length && picks.length < limit) picks.push(queue[i]!);
  }
  return picks;
}

/** One pass of the worker; `full` when it took as many as it may (more may be waiting) or stopped at its time budget. */
async function onePass(deps: WebhookDeps): Promise<WebhookPass & { full: boolean }> {
  const pass: WebhookPass = { delivered: 0, retrying: 0, failed: 0 };
  const now = deps.now();
  const limit = deps.limit ?? 50;
  const concurrency = Math.max(1, deps.concurrency ?? 8);
  // Past their 24 hours and not being tried: given up (an endpoint disabled all that time included).
  const givenUp = await deps.db.transaction(
    async (tx) =>
      (
        await tx
          .update(webhookDeliveries)
          .set({ state: "failed" })
          .where(and(eq(webhookDeliveries.state, "pending"), lte(webhookDeliveries.nextAttemptAt, now), lte(webhookDeliveries.createdAt, new Date(now.getTime() - giveUpAfterMs))))
          .returning({ id: webhookDeliveries.id })
      ).length,
  );
  pass.failed += givenUp;
  const picks = await duePicks(deps.db, now, limit);
  // A few at once, and at most half of them to one endpoint, so that an endpoint that never answers (10 s each) leaves
  // the other slots to the others. No new attempt starts once the pass has run its budget: the next pass picks afresh.
  const perEndpoint = Math.max(1, Math.floor(concurrency / 2));
  const inFlight = new Map<number, number>();
  const started = performance.now();
  const budgetMs = deps.passBudgetMs ?? passBudgetMs;
  let cut = false;
  const next = () => {
    if (performance.now() - started > budgetMs) {
      cut = picks.length > 0;
      return null;
    }
    const at = picks.findIndex((p) => (inFlight.get(p.endpoint.id) ?? 0) < perEndpoint);
    return at < 0 ? null : picks.splice(at, 1)[0]!;
  };
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const launch = (pick: { delivery: WebhookDelivery; endpoint: WebhookEndpoint }) => {
    inFlight.set(pick.endpoint.id, (inFlight.get(pick.endpoint.id) ?? 0) + 1);
    // Started on the next microtask, so that `work` exists when it ends (a row another worker took ends at once).
    const work: Promise<void> = Promise.resolve().then(async () => {
      try {
        const taken = await take(deps.db, pick.delivery, deps.now());
        if (!taken) return;
        const attempt = await attemptOnce(deps, pick.endpoint, taken);
        const outcome = await recordAttempt(deps, taken, attempt, null);
        // A lapsed attempt (another worker took the delivery over meanwhile) is logged and counts for nothing.
        if (outcome !== "lapsed") pass[outcome]++;
      } catch (error) {
        // E.g. the database busy: that delivery's lease lapses and a later pass tries it again. The pass stops taking
        // more, lets the others finish, and then fails.
        failure ??= { error };
      } finally {
        inFlight.set(pick.endpoint.id, inFlight.get(pick.endpoint.id)! - 1);
        running.delete(work);
      }
    });
    running.add(work);
  };
  const total = picks.length;
  for (;;) {
    while (running.size < concurrency && !failure) {
      const pick = next();
      if (!pick) break;
      launch(pick);
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  if (failure) throw failure.error;
  return { ...pass, full: total >= limit || cut };
}

/** One pass of the worker: the due deliveries of active endpoints, fairly across endpoints (`duePicks`). */
export async function deliverDue(deps: WebhookDeps): Promise<WebhookPass> {
  const { delivered, retrying, failed } = await onePass(deps);
  return { delivered, retrying, failed };
}

/**
 * What the worker's loop runs at each tick: passes one after the other while a pass came back full (a backlog, e.g. a
 * batch of 10.000 rows), at most `maxPasses`, yielding to the event loop between passes. `stopping` ends it early.
 */
export async function deliverBacklog(deps: WebhookDeps, { maxPasses = 100, stopping = () => false }: { maxPasses?: number; stopping?: () => boolean } = {}): Promise<WebhookRun> {
  const run: WebhookRun = { delivered: 0, retrying: 0, failed: 0, passes: 0 };
  for (;;) {
    const { full, ...pass } = await onePass(deps);
    run.passes++;
    run.delivered += pass.delivered;
    run.retrying += pass.retrying;
    run.failed += pass.failed;
    if (!full || run.passes >= maxPasses || stopping()) return run;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export type Outcome = "delivered" | "retrying" | "failed" | "lapsed";

/**
 * Logs an attempt and moves the delivery on, in one transaction, only while the attempt still holds the delivery (no
 * other worker or Resend took it since `take`; otherwise the answer is logged, `lapsed`, and changes nothing else):
 * delivered on a 2xx; otherwise the next try after the back-off, or `failed` when that would be past 24 hours since the
 * event. A Resend (`resentBy`) delivers a pending or failed delivery on a 2xx, and otherwise puts its schedule back
 * (`resumeAt`) and leaves its state as it was.
 */
export async function recordAttempt(deps: WebhookDeps, taken: WebhookDelivery, attempt: Attempt, resentBy: number | null, resumeAt: Date = taken.nextAttemptAt): Promise<Outcome> {
  const at = deps.now();
  return deps.db.transaction(
    async (tx): Promise<Outcome> => {
      await tx.insert(webhookAttempts).values({ deliveryId: taken.id, at, status: attempt.status, latencyMs: attempt.latencyMs, excerpt: attempt.excerpt, resentBy });
      const held = and(eq(webhookDeliveries.id, taken.id), eq(webhookDeliveries.nextAttemptAt, taken.nextAttemptAt), eq(webhookDeliveries.attempts, taken.attempts));
      const attempts = logged(taken.id);
      if (attempt.delivered) {
        const changed = await tx
          .update(webhookDeliveries)
          .set({ state: "delivered", attempts, deliveredAt: sql`coalesce(${webhookDeliveries.deliveredAt}, ${sql.param(at, webhookDeliveries.deliveredAt)})` })
          .where(held)
          .returning({ id: webhookDeliveries.id });
        return changed.length === 1 ? "delivered" : "lapsed";
      }
      if (resentBy !== null) {
        const changed = await tx.update(webhookDeliveries).set({ attempts, nextAttemptAt: resumeAt }).where(held).returning({ id: webhookDeliveries.id });
        if (changed.length !== 1) return "lapsed";
        return taken.state === "failed" ? "failed" : taken.state === "delivered" ? "delivered" : "retrying";
      }
      // `taken.attempts` counts this attempt: the first failure waits 30 s.
      const next = at.getTime() + retryDelayMs(taken.attempts, deps.random);
      const giveUp = next > taken.createdAt.getTime() + giveUpAfterMs;
      const changed = await tx
        .update(webhookDeliveries)
        .set({ attempts, ...(giveUp ? { state: "failed" as const } : { nextAttemptAt: new Date(next) }) })
        .where(and(held, eq(webhookDeliveries.state, "pending")))
        .returning({ id: webhookDeliveries.id });
      if (changed.length !== 1) return "lapsed";
      return giveUp ? "failed" : "retrying";
    },
  );
}
