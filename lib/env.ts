import { z } from "zod";
import { maxGatewayTimeoutMs } from "@/lib/transfers/grace";

/**
 * The process environment, validated once. Names are fixed by docs/architecture.md#configuration; defaults are the embedded demo
 * (SQLite under data/, a generated key pair under data/keys/, the mock gateway on loopback).
 * This module has no server-only marker so that scripts and the mock gateway can share it, but it must
 * never be imported from a client component: it reads secrets.
 */

const wholeNumber = (name: string, fallback: number, { min = 1 } = {}) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === "") return fallback;
      if (!/^\d+$/.test(raw.trim()) || Number(raw) < min) {
        const expected = min === 0 ? "a whole number (0 or more)" : "a positive whole number";
        ctx.addIssue({ code: "custom", message: `${name} must be ${expected}, got "${raw}"` });
        return z.NEVER;
      }
      return Number(raw);
    });

const withDefault = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((raw) => (raw === undefined || raw.trim() === "" ? fallback : raw.trim()));

export const envSchema = z.object({
  DATABASE_URL: withDefault("file:data/app.db").refine((v) => v.startsWith("file:") && v.length > 5, {
    message: 'DATABASE_URL must be a SQLite file URL such as "file:data/app.db"',
  }),
  AUTH_SECRET: z
    .string({ error: "AUTH_SECRET is missing: set it to 32+ random characters (npm run demo generates one into data/)" })
    .min(32, { error: "AUTH_SECRET is too short: use at least 32 random characters" }),
  CASHIN_BASE_URL: withDefault("http://127.0.0.1:4010/pg/fo").refine(
    (v) => {
      try {
        const url = new URL(v);
        return url.protocol === "https:" || url.protocol === "http:";
      } catch {
        return false;
      }
    },
    { message: "CASHIN_BASE_URL must be an http(s) URL such as https://sandbox-api.cashin.co.id/pg/fo" },
  ),
  CASHIN_PARTNER_ID: withDefault("CID0000000001").refine((v) => /^[A-Za-z0-9_-]{1,64}$/.test(v), {
    message: "CASHIN_PARTNER_ID must be the client id from Cash In (letters and digits, e.g. CID1234567890)",
  }),
  CASHIN_CHANNEL_ID: withDefault("95221").refine((v) => /^\d{1,5}$/.test(v), {
    message: "CASHIN_CHANNEL_ID must be digits, at most 5",
  }),
  CASHIN_PRIVATE_KEY_PATH: withDefault("data/keys/merchant-private.pem"),
  CASHIN_PUBLIC_KEY_PATH: withDefault("data/keys/merchant-public.pem"),
  // The not-found grace period is at least 3 × this + 1 minute (docs/lifecycle.md#paying-twice-is-impossible) and at most 24 hours.
  CASHIN_TIMEOUT_MS: wholeNumber("CASHIN_TIMEOUT_MS", 15000).refine((ms) => ms <= maxGatewayTimeoutMs, {
    message: `CASHIN_TIMEOUT_MS must be at most ${maxGatewayTimeoutMs} ms: the not-found grace period (at least 3 × CASHIN_TIMEOUT_MS + 1 minute) cannot exceed 24 hours`,
  }),
  RECONCILE_INTERVAL_MS: wholeNumber("RECONCILE_INTERVAL_MS", 5000),
  /** How many of a batch's rows are looked up or sent at once. */
  BATCH_CONCURRENCY: wholeNumber("BATCH_CONCURRENCY", 8).refine((n) => n <= 64, { message: "BATCH_CONCURRENCY must be at most 64" }),
  MOCK_GATEWAY_PORT: wholeNumber("MOCK_GATEWAY_PORT", 4010).refine((p) => p < 65536, {
    message: "MOCK_GATEWAY_PORT must be below 65536",
  }),
  /** How many reverse proxies in front of the app append to X-Forwarded-For; 0 reads the TCP peer (docs/sign-in.md#client-address). */
  TRUSTED_PROXY_HOPS: wholeNumber("TRUSTED_PROXY_HOPS", 0, { min: 0 }).refine((n) => n <= 10, {
    message: "TRUSTED_PROXY_HOPS must be at most 10: it counts the proxies in front of the app, 0 when there is none",
  }),
  /** The first sign-in delay after the free failures; it doubles with each further failure (docs/sign-in.md#throttling). */
  SIGN_IN_DELAY_MS: wholeNumber("SIGN_IN_DELAY_MS", 1000).refine((ms) => ms <= 60_000, {
    message: "SIGN_IN_DELAY_MS must be at most 60000 (one minute)",
  }),
});

export type Env = z.infer<typeof envSchema>;

/** What the gateway client, the mock gateway and the ops CLI need: no database, no auth secret. */
export const gatewayEnvSchema = envSchema.pick({
  CASHIN_BASE_URL: true,
  CASHIN_PARTNER_ID: true,
  CASHIN_CHANNEL_ID: true,
  CASHIN_PRIVATE_KEY_PATH: true,
  CASHIN_PUBLIC_KEY_PATH: true,
  CASHIN_TIMEOUT_MS: true,
  MOCK_GATEWAY_PORT: true,
});

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

/** What the migration and seed commands need. */
export const databaseEnvSchema = envSchema.pick({ DATABASE_URL: true });

/** What `npm run reconcile` needs to resume batches. */
export const batchEnvSchema = envSchema.pick({ BATCH_CONCURRENCY: true });

/** What sign-in needs besides the database: where the client's address comes from and how throttling waits. */
export const signInEnvSchema = envSchema.pick({ TRUSTED_PROXY_HOPS: true, SIGN_IN_DELAY_MS: true });

export type EnvResult<T> = { ok: true; env: T } | { ok: false; problems: string[] };

/** Validates an environment and returns one readable message per bad or missing variable. */
export function parseEnv<S extends z.ZodType>(
  source: Record<string, string | undefined>,
  schema: S,
): EnvResult<z.infer<S>> {
  const result = schema.safeParse(source);
  if (result.success) return { ok: true, env: result.data };
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "environment");
    return issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`;
  });
  return { ok: false, problems };
}

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

function validated<S extends z.ZodType>(schema: S): () => z.infer<S> {
  let cached: z.infer<S> | undefined;
  return () => {
    if (cached) return cached;
    const result = parseEnv(process.env, schema);
    if (!result.ok) throw new EnvError(result.problems);
    cached = result.env;
    return result.env;
  };
}

/** The validated environment of the app; throws one EnvError listing every problem. */
export const env: () => Env = validated(envSchema);

/** The validated gateway part of the environment, for the mock gateway and the ops CLI. */
export const gatewayEnv: () => GatewayEnv = validated(gatewayEnvSchema);

export const databaseEnv: () => z.infer<typeof databaseEnvSchema> = validated(databaseEnvSchema);

export const batchEnv: () => z.infer<typeof batchEnvSchema> = validated(batchEnvSchema);

export const signInEnv: () => z.infer<typeof signInEnvSchema> = validated(signInEnvSchema);

/** The SQLite file path of a `file:` DATABASE_URL. */
export function sqlitePath(databaseUrl: string): string {
  return databaseUrl.replace(/^file:(\/\/)?/, "");
}
