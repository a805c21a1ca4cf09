import "server-only";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { and, asc, eq, lte, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookDelivery, type WebhookEndpoint } from "@/db/schema";
import { open } from "@/lib/auth/secret-box";
import { pool } from "@/lib/concurrency";
import { inEnglish } from "@/lib/transfers/words";
import { signedHeaders } from "./signature";
import { checkWebhookUrl, systemResolver, urlPolicyFrom, type Resolver, type Target, type UrlPolicy } from "./url";

/**
 * The webhook delivery worker (docs/webhooks.md#delivery). Each pass takes the due deliveries of active endpoints, one at
 * a time with a conditional update that pushes `nextAttemptAt` ahead as a lease (two workers, or a worker restarted
 * after a crash, never send the same attempt at once; a worker that died mid-attempt leaves the row to the next one once
 * the lease lapses), checks the URL again (SSRF guard, lib/webhooks/url.ts), POSTs the exact payload signed, and logs
 * the attempt. A 2xx answer delivers it; anything else, or no answer within 10 s, is retried with back-off until 24 hours
 * after the event, then it is `failed` (an admin may still Resend it).
 */

export const attemptTimeoutMs = 10_000;
/** Longer than one attempt can take: a live worker always finishes before another may take the row over. */
export const leaseMs = 60_000;
export const giveUpAfterMs = 24 * 3_600_000;
export const excerptLength = 500;

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
  /** Attempts in flight at once. */
  concurrency?: number;
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
  const checked = await checkWebhookUrl(endpoint.url, deps.policy ?? urlPolicyFrom(), deps.resolve ?? systemResolver);
  if (!checked.ok) return { status: null, latencyMs: 0, excerpt: `Not sent: ${inEnglish(checked.problem)}`, delivered: false };
  const timestamp = Math.floor(started.getTime() / 1000);
  const clock = performance.now();
  const answer = await (deps.post ?? httpPoster)(checked.target, signedHeaders(secret, delivery.eventId, timestamp, delivery.payload), delivery.payload, attemptTimeoutMs);
  const latencyMs = Math.round(performance.now() - clock);
  if (answer.status === null) return { status: null, latencyMs, excerpt: answer.error.slice(0, excerptLength), delivered: false };
  return { status: answer.status, latencyMs, excerpt: answer.body.slice(0, excerptLength), delivered: answer.status >= 200 && answer.status < 300 };
}

export type WebhookPass = { delivered: number; retrying: number; failed: number };

/** Takes one due delivery: returns it with its lease, or null when another worker took it first. */
function take(db: Db, delivery: WebhookDelivery, now: Date): WebhookDelivery | null {
  return (
    db
      .update(webhookDeliveries)
      .set({ nextAttemptAt: new Date(now.getTime() + leaseMs) })
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.state, "pending"), eq(webhookDeliveries.nextAttemptAt, delivery.nextAttemptAt)))
      .returning()
      .get() ?? null
  );
}

/** One pass of the worker: every due delivery of an active endpoint, oldest first. */
export async function deliverDue(deps: WebhookDeps): Promise<WebhookPass> {
  const pass: WebhookPass = { delivered: 0, retrying: 0, failed: 0 };
  const now = deps.now();
  // Past their 24 hours and not being tried: given up (an endpoint disabled all that time included).
  pass.failed += deps.db
    .update(webhookDeliveries)
    .set({ state: "failed" })
    .where(and(eq(webhookDeliveries.state, "pending"), lte(webhookDeliveries.nextAttemptAt, now), lte(webhookDeliveries.createdAt, new Date(now.getTime() - giveUpAfterMs))))
    .run().changes;
  const due = deps.db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(and(eq(webhookDeliveries.state, "pending"), lte(webhookDeliveries.nextAttemptAt, now), eq(webhookEndpoints.active, true)))
    .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
    .limit(deps.limit ?? 50)
    .all();
  // A few at once, so that one endpoint that never answers (10 s each) does not hold up the others.
  await pool(due, deps.concurrency ?? 8, async ({ delivery, endpoint }) => {
    const taken = take(deps.db, delivery, deps.now());
    if (!taken) return;
    const attempt = await attemptOnce(deps, endpoint, taken);
    const outcome = recordAttempt(deps, taken, attempt, null);
    pass[outcome]++;
  });
  return pass;
}

/**
 * Logs an attempt and moves the delivery on, in one transaction: delivered on a 2xx; otherwise the next try after the
 * back-off, or `failed` when that would be past 24 hours since the event. A Resend (`resentBy`) delivers a pending or
 * failed delivery on a 2xx, and otherwise leaves its state and schedule as they were.
 */
export function recordAttempt(deps: WebhookDeps, delivery: WebhookDelivery, attempt: Attempt, resentBy: number | null): "delivered" | "retrying" | "failed" {
  const at = deps.now();
  return deps.db.transaction(
    (tx) => {
      tx.insert(webhookAttempts).values({ deliveryId: delivery.id, at, status: attempt.status, latencyMs: attempt.latencyMs, excerpt: attempt.excerpt, resentBy }).run();
      const attempts = sql`${webhookDeliveries.attempts} + 1`;
      if (attempt.delivered) {
        tx.update(webhookDeliveries)
          .set({ state: "delivered", attempts, deliveredAt: sql`coalesce(${webhookDeliveries.deliveredAt}, ${at.getTime()})` })
          .where(eq(webhookDeliveries.id, delivery.id))
          .run();
        return "delivered";
      }
      if (resentBy !== null) {
        tx.update(webhookDeliveries).set({ attempts }).where(eq(webhookDeliveries.id, delivery.id)).run();
        const state = tx.select({ state: webhookDeliveries.state }).from(webhookDeliveries).where(eq(webhookDeliveries.id, delivery.id)).get()?.state;
        return state === "failed" ? "failed" : state === "delivered" ? "delivered" : "retrying";
      }
      const next = at.getTime() + retryDelayMs(delivery.attempts + 1, deps.random);
      const giveUp = next > delivery.createdAt.getTime() + giveUpAfterMs;
      // Only while still pending: a Resend may have delivered it meanwhile.
      tx.update(webhookDeliveries)
        .set({ attempts, ...(giveUp ? { state: "failed" as const } : { nextAttemptAt: new Date(next) }) })
        .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.state, "pending")))
        .run();
      return giveUp ? "failed" : "retrying";
    },
    { behavior: "immediate" },
  );
}
