import "server-only";
import { db } from "@/db/client";
import { webhookEnv } from "@/lib/env";
import type { WebhookDeps } from "./deliver";

/** The webhook worker wired to this process: its database, the real clock, real DNS and HTTP, the URL policy of this environment. */
export function webhookDepsFromEnv(): WebhookDeps {
  const { WEBHOOKS_ALLOW_PRIVATE } = webhookEnv();
  return { db: db(), now: () => new Date(), policy: { allowLoopback: process.env.NODE_ENV !== "production" || WEBHOOKS_ALLOW_PRIVATE } };
}
