import type { ApiScope } from "@/db/schema";
import { eq } from "drizzle-orm";
import { first } from "@/db/client";
import { users } from "@/db/schema";
import { createApiKey, issueApiKey } from "@/lib/api/key-admin";
import { createApiKeySchema } from "@/lib/api/key-schema";
import { handleApiRequest, type ApiDeps, type ApiHandler } from "@/lib/api/route";
import { operations, type Operation } from "@/lib/api/operations";
import { approvePayout, createLookup, createPayout, getPayout, listPayouts } from "@/lib/api/payouts";
import { createBatch, getBatch } from "@/lib/api/batches";
import { RateLimiter } from "@/lib/api/rate-limit";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/** The API wired to the transfer harness (an in-memory database, the real mock gateway, a clock the test moves). */
export async function createApiHarness(options: { perMinute?: number; slowTopupMs?: number } = {}) {
  const h = await createHarness({ slowTopupMs: options.slowTopupMs });
  const deps: ApiDeps = { transfers: h.deps, limiter: new RateLimiter(options.perMinute ?? 10_000), idempotencyWaitMs: 20_000 };
  return { ...h, apiDeps: deps };
}

export type ApiHarness = Awaited<ReturnType<typeof createApiHarness>>;

/** The handler of each declared operation, as the route files wire them. */
export const endpoints = {
  createLookup: [operations.createLookup, createLookup],
  createPayout: [operations.createPayout, createPayout],
  getPayout: [operations.getPayout, getPayout],
  listPayouts: [operations.listPayouts, listPayouts],
  approvePayout: [operations.approvePayout, approvePayout],
  createBatch: [operations.createBatch, createBatch],
  getBatch: [operations.getBatch, getBatch],
} as const satisfies Record<keyof typeof operations, readonly [Operation, unknown]>;

export type EndpointName = keyof typeof endpoints;

/**
 * Makes a key as an admin would on /admin/api-keys; returns the key itself. An approve key is then shown by its
 * manager on My account (docs/api.md#keys), at the same moment: its 24-hour hold counts from here.
 */
export async function makeKey(h: Harness, input: { name?: string; scopes: ApiScope[]; owner: { id: number }; allowedIps?: string; expiresOn?: string }): Promise<{ id: number; key: string }> {
  const parsed = createApiKeySchema.parse({
    name: input.name ?? `key-${Math.random().toString(36).slice(2, 8)}`,
    scopes: input.scopes,
    ownerId: input.owner.id,
    allowedIps: input.allowedIps,
    expiresOn: input.expiresOn,
  });
  const created = expectOk(await createApiKey(h.db, { actor: h.admin, ip: "203.0.113.1" }, parsed, h.now()));
  if (created.key) return { id: created.id, key: created.key };
  const owner = (await first(h.db.select().from(users).where(eq(users.id, input.owner.id)).limit(1)))!;
  return { id: created.id, key: expectOk(await issueApiKey(h.db, { actor: owner, ip: "203.0.113.2" }, { keyId: created.id }, h.now())).key };
}

type CallOptions = {
  key?: string | null;
  body?: unknown;
  /** The raw body, as sent (overrides `body`). */
  raw?: string | Uint8Array;
  contentType?: string | null;
  idempotencyKey?: string | null;
  params?: Record<string, string>;
  query?: Record<string, string>;
  ip?: string;
  headers?: Record<string, string>;
};

/** One request to an endpoint, as the route handler receives it. */
export async function call(h: ApiHarness, name: EndpointName, options: CallOptions = {}): Promise<{ status: number; headers: Headers; json: Record<string, unknown> & { [k: string]: unknown } }> {
  const [operation, handler] = endpoints[name];
  const path = operation.path.replace(/\{(\w+)\}/g, (_, p: string) => options.params?.[p] ?? "x");
  const url = new URL(`http://localhost/api/v1${path}`);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const headers = new Headers({ "x-peer-address": options.ip ?? "203.0.113.50", ...options.headers });
  if (options.key) headers.set("authorization", `Bearer ${options.key}`);
  const raw = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (raw !== undefined && options.contentType !== null) headers.set("content-type", options.contentType ?? "application/json");
  if (options.idempotencyKey) headers.set("idempotency-key", options.idempotencyKey);
  const request = new Request(url, { method: operation.method, headers, body: raw as BodyInit | undefined });
  const response = await handleApiRequest(h.apiDeps, operation, handler as ApiHandler<typeof operation>, request, options.params ?? {});
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : {} };
}
