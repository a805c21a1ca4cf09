import "server-only";
import { and, asc, eq, inArray, lt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "@/db/schema";

/**
 * How long the delivery log is kept (docs/webhooks.md#how-long-the-log-is-kept): a delivered delivery and its attempts
 * 30 days after the event, a given-up one 90 days after (longer, as someone may still look into why). Waiting ones are
 * never deleted (they are given up after 24 hours and kept from then on like any given-up one).
 */
export const keepDeliveredMs = 30 * 24 * 3_600_000;
export const keepFailedMs = 90 * 24 * 3_600_000;
/** The worker sweeps at most this often. */
export const sweepEveryMs = 3_600_000;
/** Rows deleted per transaction, so that a first sweep of a large log does not hold the database for long. */
const chunk = 500;

export type Swept = { deliveries: number; attempts: number };

/** Deletes what is past its time, endpoint by endpoint (through the index on endpoint, created_at), in small transactions. */
export async function sweepWebhookLog(db: Db, now: Date): Promise<Swept> {
  const swept: Swept = { deliveries: 0, attempts: 0 };
  const endpoints = await db.select({ id: webhookEndpoints.id }).from(webhookEndpoints);
  const rules = [
    { state: "delivered" as const, before: new Date(now.getTime() - keepDeliveredMs) },
    { state: "failed" as const, before: new Date(now.getTime() - keepFailedMs) },
  ];
  for (const { id: endpointId } of endpoints) {
    for (const { state, before } of rules) {
      for (;;) {
        // The transaction answers what it deleted rather than count into `swept`: on PostgreSQL it may run twice.
        const { done, attempts, deliveries } = await db.transaction(
          async (tx) => {
            const ids = (
              await tx
                .select({ id: webhookDeliveries.id })
                .from(webhookDeliveries)
                .where(and(eq(webhookDeliveries.endpointId, endpointId), lt(webhookDeliveries.createdAt, before), eq(webhookDeliveries.state, state)))
                .orderBy(asc(webhookDeliveries.createdAt), asc(webhookDeliveries.id))
                .limit(chunk)
            ).map((r) => r.id);
            if (ids.length === 0) return { done: true, attempts: 0, deliveries: 0 };
            const attempts = (await tx.delete(webhookAttempts).where(inArray(webhookAttempts.deliveryId, ids)).returning({ id: webhookAttempts.id })).length;
            // Still in that state: a Resend between the select and here cannot have changed it (same transaction).
            const deliveries = (await tx.delete(webhookDeliveries).where(inArray(webhookDeliveries.id, ids)).returning({ id: webhookDeliveries.id })).length;
            return { done: ids.length < chunk, attempts, deliveries };
          },
        );
        swept.attempts += attempts;
        swept.deliveries += deliveries;
        if (done) break;
      }
    }
  }
  return swept;
}

/**
 * The worker's sweep, at most once per `everyMs` by its clock: returns what it deleted, or null when it is not yet time.
 * One per worker loop; the first call sweeps.
 */
export function hourlySweeper(everyMs = sweepEveryMs): (db: Db, now: Date) => Promise<Swept | null> {
  let last: number | null = null;
  return async (db, now) => {
    if (last !== null && now.getTime() - last < everyMs) return null;
    last = now.getTime();
    return sweepWebhookLog(db, now);
  };
}
