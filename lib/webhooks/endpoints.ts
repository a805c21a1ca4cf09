import "server-only";
import { and, count, desc, eq, inArray, max } from "drizzle-orm";
import { first, type Db } from "@/db/client";
import { users, webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookAttempt, type WebhookDelivery, type WebhookEndpoint } from "@/db/schema";
import type { Person } from "@/lib/actor";
import { recordAudit, recordAuditNow } from "@/lib/audit/record";
import { seal } from "@/lib/auth/secret-box";
import { msg } from "@/lib/i18n/translate";
import { fail, ok, type ActionResult } from "@/lib/result";
import { inEnglish, say } from "@/lib/transfers/words";
import { attemptOnce, recordAttempt, takeForResend, type WebhookDeps } from "./deliver";
import { forgetSubscriptions } from "./events";
import { endpointBounds, type EndpointValues } from "./schemas";
import { newSecret } from "./signature";
import { checkWebhookUrl, systemResolver, urlPolicyFrom } from "./url";

/**
 * Managing webhook endpoints (docs/webhooks.md#endpoints): admins register, disable, enable and re-key them and resend
 * deliveries. Every change is audited (`webhook.*`) with the URL and events, never the secret.
 */

type Ctx = { actor: Person; ip: string | null };
const target = (id: number) => ({ type: "webhook_endpoint", id }) as const;

export type CreatedEndpoint = { endpointId: number; secret: string };

/** Registers an endpoint after the SSRF guard; the secret is returned once, here, and kept sealed. */
export async function createEndpoint(deps: WebhookDeps, { actor, ip }: Ctx, input: EndpointValues): Promise<ActionResult<CreatedEndpoint>> {
  const checked = await checkWebhookUrl(input.url, deps.policy ?? urlPolicyFrom(), deps.resolve ?? systemResolver);
  if (!checked.ok) {
    await recordAuditNow(deps.db, { actor, action: "webhook.refused", target: { type: "webhook_endpoint" }, after: { url: input.url, refused: inEnglish(checked.problem) }, ip });
    const message = say(checked.problem);
    return fail("invalid", message, { url: [message] });
  }
  const secret = newSecret();
  const now = deps.now();
  return deps.db.transaction(
    async (tx): Promise<ActionResult<CreatedEndpoint>> => {
      const existing = (await first(tx.select({ n: count() }).from(webhookEndpoints)))?.n ?? 0;
      if (existing >= endpointBounds.endpoints) return fail("conflict", msg("server.webhooks.tooMany", { max: endpointBounds.endpoints }));
      const created = (
        await tx
          .insert(webhookEndpoints)
          .values({ url: checked.target.url.toString(), description: input.description, events: input.events, secret: seal(secret), active: true, createdBy: actor.id, createdAt: now })
          .returning()
      )[0]!;
      await recordAudit(tx, { actor, action: "webhook.created", target: target(created.id), after: { url: created.url, description: created.description, events: created.events }, ip, at: now });
      forgetSubscriptions(tx);
      return ok({ endpointId: created.id, secret }, msg("server.webhooks.created"));
    },
  );
}

/** Disables (nothing more is sent to it; what waits stays until enabled again, for at most 24 hours) or enables an endpoint. */
export async function setEndpointActive(deps: Pick<WebhookDeps, "db" | "now">, { actor, ip }: Ctx, input: { endpointId: number; active: boolean }): Promise<ActionResult<null>> {
  const now = deps.now();
  return deps.db.transaction(
    async (tx): Promise<ActionResult<null>> => {
      const changed = await first(
        tx
          .update(webhookEndpoints)
          .set(input.active ? { active: true, disabledAt: null, disabledBy: null } : { active: false, disabledAt: now, disabledBy: actor.id })
          .where(and(eq(webhookEndpoints.id, input.endpointId), eq(webhookEndpoints.active, !input.active)))
          .returning(),
      );
      if (!changed) {
        const exists = await first(tx.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.id, input.endpointId)).limit(1));
        return exists ? ok(null, msg(input.active ? "server.webhooks.alreadyEnabled" : "server.webhooks.alreadyDisabled")) : fail("not_found", msg("server.webhooks.notFound"));
      }
      await recordAudit(tx, { actor, action: input.active ? "webhook.enabled" : "webhook.disabled", target: target(changed.id), after: { url: changed.url }, ip, at: now });
      forgetSubscriptions(tx);
      return ok(null, msg(input.active ? "server.webhooks.enabled" : "server.webhooks.disabled"));
    },
  );
}

/** A new signing secret, shown once; the old one stops at once (deliveries from now on are signed with the new one). */
export async function rotateSecret(deps: Pick<WebhookDeps, "db" | "now">, { actor, ip }: Ctx, input: { endpointId: number }): Promise<ActionResult<CreatedEndpoint>> {
  const secret = newSecret();
  const now = deps.now();
  return deps.db.transaction(
    async (tx): Promise<ActionResult<CreatedEndpoint>> => {
      const changed = await first(tx.update(webhookEndpoints).set({ secret: seal(secret) }).where(eq(webhookEndpoints.id, input.endpointId)).returning());
      if (!changed) return fail("not_found", msg("server.webhooks.notFound"));
      await recordAudit(tx, { actor, action: "webhook.secret_rotated", target: target(changed.id), after: { url: changed.url }, ip, at: now });
      return ok({ endpointId: changed.id, secret }, msg("server.webhooks.rotated"));
    },
  );
}

export type Resent = { status: number | null; latencyMs: number };

/**
 * Resend (docs/webhooks.md#resend): the same payload and event id, signed afresh, sent now whatever the delivery's
 * state, the attempt logged with the person who pressed it. A 2xx delivers a pending or failed delivery. Refused while
 * a worker (or another Resend) is sending it: it takes the delivery's lease first.
 */
export async function resendDelivery(deps: WebhookDeps, { actor, ip }: Ctx, input: { deliveryId: number }): Promise<ActionResult<Resent>> {
  // Resend takes the delivery's lease like a worker: never two attempts of one delivery at once. The delivery, its
  // endpoint (still active?) and the lease are read and taken in one transaction.
  const lease = await takeForResend(deps.db, input.deliveryId, deps.now());
  if (lease === "missing") return fail("not_found", msg("server.webhooks.deliveryNotFound"));
  if (lease === "disabled") return fail("conflict", msg("server.webhooks.resendDisabled"));
  if (lease === null) return fail("conflict", msg("server.webhooks.resendBusy"));
  const { taken: delivery, endpoint } = lease;
  const attempt = await attemptOnce(deps, endpoint, delivery);
  await recordAttempt(deps, delivery, attempt, actor.id, lease.resumeAt);
  await recordAuditNow(deps.db, {
    actor,
    action: "webhook.resent",
    target: target(endpoint.id),
    after: { deliveryId: delivery.id, eventId: delivery.eventId, eventType: delivery.eventType, status: attempt.status, delivered: attempt.delivered },
    ip,
    at: deps.now(),
  });
  if (attempt.delivered) return ok({ status: attempt.status, latencyMs: attempt.latencyMs }, msg("server.webhooks.resent", { status: attempt.status ?? 0, ms: attempt.latencyMs }));
  return fail(
    "conflict",
    attempt.status === null ? msg("server.webhooks.resendNoAnswer", { error: attempt.excerpt }) : msg("server.webhooks.resendRefused", { status: attempt.status }),
  );
}

export type EndpointRow = WebhookEndpoint & { createdByName: string | null; pending: number; failed: number };

export async function listEndpoints(db: Db): Promise<EndpointRow[]> {
  const rows = await db
    .select({ endpoint: webhookEndpoints, createdByName: users.name })
    .from(webhookEndpoints)
    .leftJoin(users, eq(users.id, webhookEndpoints.createdBy))
    .orderBy(desc(webhookEndpoints.active), desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
  const states = await db
    .select({ endpointId: webhookDeliveries.endpointId, state: webhookDeliveries.state, n: count() })
    .from(webhookDeliveries)
    .where(inArray(webhookDeliveries.state, ["pending", "failed"]))
    .groupBy(webhookDeliveries.endpointId, webhookDeliveries.state);
  const countOf = (id: number, state: string) => states.find((s) => s.endpointId === id && s.state === state)?.n ?? 0;
  return rows.map(({ endpoint, createdByName }) => ({ ...endpoint, createdByName, pending: countOf(endpoint.id, "pending"), failed: countOf(endpoint.id, "failed") }));
}

export type LogRow = WebhookDelivery & { last: (WebhookAttempt & { resentByName: string | null }) | null };

/** An endpoint's newest deliveries, each with its last attempt. */
export async function deliveryLog(db: Db, endpointId: number, limit = 50): Promise<LogRow[]> {
  const deliveries = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)).orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id)).limit(limit);
  if (deliveries.length === 0) return [];
  const lastIds = (
    await db
      .select({ id: max(webhookAttempts.id) })
      .from(webhookAttempts)
      .where(
        inArray(
          webhookAttempts.deliveryId,
          deliveries.map((d) => d.id),
        ),
      )
      .groupBy(webhookAttempts.deliveryId)
  ).map((r) => Number(r.id));
  const attempts = lastIds.length
    ? await db.select({ attempt: webhookAttempts, resentByName: users.name }).from(webhookAttempts).leftJoin(users, eq(users.id, webhookAttempts.resentBy)).where(inArray(webhookAttempts.id, lastIds))
    : [];
  const byDelivery = new Map(attempts.map(({ attempt, resentByName }) => [attempt.deliveryId, { ...attempt, resentByName }]));
  return deliveries.map((d) => ({ ...d, last: byDelivery.get(d.id) ?? null }));
}
