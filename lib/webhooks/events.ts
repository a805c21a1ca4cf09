import { createHash } from "node:crypto";
import { and, eq, inArray, notInArray, sql } from "drizzle-orm";
import { first, type DbOrTx, type Tx } from "@/db/client";
import { batches, transfers, webhookDeliveries, webhookEndpoints, type Batch, type Transfer, type TransferStatus, type WebhookEventType } from "@/db/schema";
import { payoutJson } from "@/lib/api/representation";

/**
 * Writing webhook events to the outbox (docs/webhooks.md#events), like lib/notifications/outbox.ts: called inside the
 * transaction that makes the change, so a delivery row exists exactly when its change does (a crash after the commit
 * leaves it for the worker; a rollback takes it away). One row per active endpoint subscribed to the event, each with
 * the same payload and event id; `on conflict do nothing` keeps an event written twice to one row per endpoint.
 *
 * Transitions are hot paths (a batch sends 10,000 rows), so which endpoints want which event is read once and kept for
 * a few seconds per database, and forgotten at once when an endpoint changes in this process: with no endpoint an event
 * costs a map look-up. Another process (`npm run reconcile`) sees a new endpoint at most `subscriptionCacheMs` late.
 */

export const subscriptionCacheMs = 5_000;

type Subscriptions = { until: number; byType: Map<WebhookEventType, number[]> };
// On globalThis: Next.js compiles instrumentation (the reconciler, batch runs) and the request handlers (the admin's
// changes) separately, and a change made in one must be forgotten by both (as lib/jobs.ts does for its state).
const cacheKey = Symbol.for("cashin-payouts.webhook-subscriptions");
const cacheHolder = globalThis as unknown as Record<symbol, WeakMap<object, Subscriptions> | undefined>;
const cache: WeakMap<object, Subscriptions> = (cacheHolder[cacheKey] ??= new WeakMap());

/** The better-sqlite3 connection under a drizzle database or transaction: the cache's key (tests open many databases). */
function connectionOf(db: DbOrTx): object | null {
  const session = (db as unknown as { session?: { client?: object } }).session;
  return session?.client ?? null;
}

/** Forgets the cached subscriptions of `db`'s database (an endpoint was added, changed, enabled or disabled). */
export function forgetSubscriptions(db: DbOrTx): void {
  const key = connectionOf(db);
  if (key) cache.delete(key);
}

/** The active endpoints subscribed to `type`. */
export async function subscribedEndpoints(db: DbOrTx, type: WebhookEventType): Promise<number[]> {
  const key = connectionOf(db);
  const now = Date.now();
  let entry = key ? cache.get(key) : undefined;
  if (!entry || entry.until <= now) {
    const byType = new Map<WebhookEventType, number[]>();
    for (const endpoint of await db.select({ id: webhookEndpoints.id, events: webhookEndpoints.events }).from(webhookEndpoints).where(eq(webhookEndpoints.active, true))) {
      for (const event of endpoint.events) byType.set(event, [...(byType.get(event) ?? []), endpoint.id]);
    }
    entry = { until: now + subscriptionCacheMs, byType };
    if (key) cache.set(key, entry);
  }
  return entry.byType.get(type) ?? [];
}

/** The event id every endpoint gets for one event: derived from what happened, so the same change written twice is one event. */
export function eventIdOf(type: WebhookEventType, subject: string): string {
  return `evt_${createHash("sha256").update(`${type}|${subject}`).digest("base64url").slice(0, 24)}`;
}

/** Writes one event for every subscribed endpoint; returns its id, or null when nobody asked for it. */
export async function writeEvent(tx: Tx, type: WebhookEventType, subject: string, data: () => Record<string, unknown>, at: Date, subscribed?: number[]): Promise<string | null> {
  const endpoints = subscribed ?? (await subscribedEndpoints(tx, type));
  if (endpoints.length === 0) return null;
  const id = eventIdOf(type, subject);
  const payload = JSON.stringify({ id, type, created_at: at.toISOString(), data: data() });
  // One row per endpoint, in one statement; an event already written to an endpoint stays as it is.
  await tx
    .insert(webhookDeliveries)
    .values(endpoints.map((endpointId) => ({ endpointId, eventId: id, eventType: type, payload, state: "pending" as const, attempts: 0, nextAttemptAt: at, createdAt: at })))
    .onConflictDoNothing();
  return id;
}

/** The payout events, by the status a transfer enters. */
const payoutEventOf: Partial<Record<TransferStatus, WebhookEventType>> = {
  succeeded: "payout.succeeded",
  failed: "payout.failed",
  refunded: "payout.refunded",
  awaiting_approval: "payout.awaiting_approval",
};

/** Whether entering `status` is a payout event (`transitionBatch` reads its moved rows only then). */
export function isPayoutEventStatus(status: TransferStatus): boolean {
  return payoutEventOf[status] !== undefined;
}

/** Statuses a transfer does not leave on its own (a success may still be refunded, which is its own event). */
const finalStatuses: readonly TransferStatus[] = ["succeeded", "failed", "refunded", "rejected", "canceled", "expired"];

async function batchReferences(tx: DbOrTx, rows: readonly Transfer[]): Promise<Map<number, string>> {
  const ids = [...new Set(rows.map((r) => r.batchId).filter((id): id is number => id !== null))];
  if (ids.length === 0) return new Map();
  return new Map((await tx.select({ id: batches.id, reference: batches.reference }).from(batches).where(inArray(batches.id, ids))).map((b) => [b.id, b.reference]));
}

/**
 * The events of transfers that just entered their status (through `transition`, `transitionBatch` or created waiting
 * for approval), and `batch.completed` when the last open row of a sent batch settles. Inside the change's transaction.
 */
export async function payoutEvents(tx: Tx, rows: readonly Transfer[], at: Date): Promise<void> {
  if (rows.length === 0) return;
  for (const status of new Set(rows.map((r) => r.status))) {
    const type = payoutEventOf[status];
    const endpoints = type ? await subscribedEndpoints(tx, type) : [];
    if (!type || endpoints.length === 0) continue;
    const ofStatus = rows.filter((r) => r.status === status);
    const references = await batchReferences(tx, ofStatus);
    for (const transfer of ofStatus) {
      // Waiting for approval may happen twice (sent back to the queue): each time is its own event, told apart by the queue time.
      const round = transfer.status === "awaiting_approval" ? `|${(transfer.queuedAt ?? transfer.createdAt).getTime()}` : "";
      await writeEvent(tx, type, `${transfer.reference}${round}`, () => ({ payout: payoutJson(transfer, transfer.batchId === null ? null : (references.get(transfer.batchId) ?? null)) }), at, endpoints);
    }
  }
  const settledBatches = new Set(rows.filter((r) => r.batchId !== null && finalStatuses.includes(r.status)).map((r) => r.batchId!));
  for (const batchId of settledBatches) await batchCompletedIfDone(tx, batchId, at);
}

/** `payoutEvents` for transfers known by id (a batch's rows moved together). */
export async function payoutEventsByIds(tx: Tx, ids: readonly number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  const rows: Transfer[] = [];
  for (let i = 0; i < ids.length; i += 500) rows.push(...(await tx.select().from(transfers).where(inArray(transfers.id, ids.slice(i, i + 500)))));
  await payoutEvents(tx, rows, at);
}

/**
 * `batch.completed`: the batch is `sent` (no row left to send) and every one of its transfers has reached a final
 * status. Called when a batch becomes sent and when one of its transfers settles; the event id is the batch's, so
 * both reaching it in one change write it once.
 */
export async function batchCompletedIfDone(tx: Tx, batchId: number, at: Date): Promise<void> {
  const endpoints = await subscribedEndpoints(tx, "batch.completed");
  if (endpoints.length === 0) return;
  const batch = await first(tx.select().from(batches).where(eq(batches.id, batchId)).limit(1));
  if (batch?.status !== "sent") return;
  const open = await first(
    tx
      .select({ id: transfers.id })
      .from(transfers)
      .where(and(eq(transfers.batchId, batchId), notInArray(transfers.status, [...finalStatuses])))
      .limit(1),
  );
  if (open) return;
  // Read first: `data` is a synchronous callback, and with subscribers (checked above) the payload is needed.
  const json = await batchJson(tx, batch);
  await writeEvent(tx, "batch.completed", batch.reference, () => ({ batch: json }), at, endpoints);
}

/** The batch as a `batch.completed` payload carries it: counts and rupiah per final status. */
export async function batchJson(tx: DbOrTx, batch: Batch) {
  const groups = await tx
    .select({ status: transfers.status, count: sql<number>`count(*)`.mapWith(Number), amount: sql<number>`coalesce(sum(${transfers.amount}), 0)`.mapWith(Number) })
    .from(transfers)
    .where(eq(transfers.batchId, batch.id))
    .groupBy(transfers.status);
  const of = (status: TransferStatus) => groups.find((g) => g.status === status) ?? { count: 0, amount: 0 };
  const totals = (status: TransferStatus) => ({ count: Number(of(status).count), amount: Number(of(status).amount) });
  return {
    reference: batch.reference,
    status: batch.status,
    created_at: batch.createdAt.toISOString(),
    payouts: groups.reduce((n, g) => n + Number(g.count), 0),
    amount: groups.reduce((n, g) => n + Number(g.amount), 0),
    currency: "IDR",
    succeeded: totals("succeeded"),
    failed: totals("failed"),
    refunded: totals("refunded"),
    not_sent: {
      count: totals("rejected").count + totals("canceled").count + totals("expired").count,
      amount: totals("rejected").amount + totals("canceled").amount + totals("expired").amount,
    },
  };
}

/** `discrepancy.raised`: a later answer of Cash In contradicts a settled status (docs/lifecycle.md, rule 10). */
export async function discrepancyEvent(tx: Tx, transfer: Transfer, text: string, at: Date): Promise<void> {
  const endpoints = await subscribedEndpoints(tx, "discrepancy.raised");
  if (endpoints.length === 0) return;
  const reference = transfer.batchId === null ? null : ((await batchReferences(tx, [transfer])).get(transfer.batchId) ?? null);
  await writeEvent(
    tx,
    "discrepancy.raised",
    `${transfer.reference}|${at.getTime()}`,
    () => ({ payout: payoutJson(transfer, reference), discrepancy: { description: text, raised_at: at.toISOString() } }),
    at,
    endpoints,
  );
}
