"use server";

import { admins, authorizedAction } from "@/lib/auth/action";
import { createEndpoint, resendDelivery, rotateSecret, setEndpointActive } from "@/lib/webhooks/endpoints";
import { webhookDepsFromEnv } from "@/lib/webhooks/from-env";
import { endpointIdSchema, endpointSchema, resendSchema, setActiveSchema } from "@/lib/webhooks/schemas";

/** docs/webhooks.md#endpoints: admins only; registering an endpoint or making a new secret asks for a fresh second-factor code. */
export const createWebhookEndpointAction = authorizedAction(
  { name: "webhook.create", roles: admins, stepUp: true, auditInvalid: true, schema: endpointSchema, revalidate: ["/admin/webhooks"] },
  (input, { db, user, ip }) => createEndpoint({ ...webhookDepsFromEnv(), db }, { actor: user, ip }, input),
);

export const setWebhookEndpointActiveAction = authorizedAction(
  { name: "webhook.set_active", roles: admins, auditInvalid: true, schema: setActiveSchema, revalidate: ["/admin/webhooks"] },
  (input, { db, user, ip }) => setEndpointActive({ db, now: () => new Date() }, { actor: user, ip }, input),
);

export const rotateWebhookSecretAction = authorizedAction(
  { name: "webhook.rotate_secret", roles: admins, stepUp: true, auditInvalid: true, schema: endpointIdSchema, revalidate: ["/admin/webhooks"] },
  (input, { db, user, ip }) => rotateSecret({ db, now: () => new Date() }, { actor: user, ip }, input),
);

export const resendWebhookAction = authorizedAction(
  { name: "webhook.resend", roles: admins, auditInvalid: true, schema: resendSchema, revalidate: ["/admin/webhooks"] },
  (input, { db, user, ip }) => resendDelivery({ ...webhookDepsFromEnv(), db }, { actor: user, ip }, input),
);
