import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { isDemoKey } from "@/lib/cashin/demo-key";
import { dropsSecureCookies, isLoopbackHost } from "@/lib/auth/secure-origin";
import { maxGatewayTimeoutMs } from "@/lib/transfers/grace";
import { isPostgresUrl } from "@/db/url";

export { isPostgresUrl };

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

/** The embedded demo's values: fine for `npm run demo`, refused by production start (docs/production.md#production-mode). */
export const demoDefaults = {
  CASHIN_BASE_URL: "http://127.0.0.1:4010/pg/fo",
  CASHIN_PARTNER_ID: "CID0000000001",
  CASHIN_PRIVATE_KEY_PATH: "data/keys/merchant-private.pem",
  CASHIN_PUBLIC_KEY_PATH: "data/keys/merchant-public.pem",
} as const;

function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

function isHttpUrl(raw: string): boolean {
  const url = parseUrl(raw);
  return url?.protocol === "https:" || url?.protocol === "http:";
}

const withDefault = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((raw) => (raw === undefined || raw.trim() === "" ? fallback : raw.trim()));

export const envSchema = z.object({
  // A SQLite file (the embedded default) or a PostgreSQL server (docs/postgresql.md): the process uses its tables throughout.
  DATABASE_URL: withDefault("file:data/app.db").refine((v) => (isPostgresUrl(v) ? parseUrl(v)?.hostname !== undefined : v.startsWith("file:") && v.length > 5), {
    message: 'DATABASE_URL must be a SQLite file URL such as "file:data/app.db" or a PostgreSQL URL such as "postgres://user:password@host:5432/payouts"',
  }),
  AUTH_SECRET: z
    .string({ error: "AUTH_SECRET is missing: set it to 32+ random characters, e.g. the output of `openssl rand -base64 32` (npm run demo generates one into data/)" })
    .min(32, { error: "AUTH_SECRET is too short: use at least 32 random characters" }),
  /** The app's public origin; Auth.js reads it itself. Required by production start. */
  AUTH_URL: z
    .string()
    .optional()
    .transform((raw) => raw?.trim() || undefined)
    .refine((v) => v === undefined || isHttpUrl(v), {
      message: "AUTH_URL must be the address people open the app at, such as https://payouts.example.co.id",
    }),
  /** 1: `next start` runs on the demo's defaults (npm run demo, the end-to-end tests, the benchmark). */
  DEMO_MODE: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = raw?.trim() ?? "";
      if (value === "" || value === "0") return false;
      if (value === "1") return true;
      ctx.addIssue({ code: "custom", message: `DEMO_MODE must be 1 (run on the demo's defaults) or unset, got "${raw}"` });
      return z.NEVER;
    }),
  CASHIN_BASE_URL: withDefault(demoDefaults.CASHIN_BASE_URL).refine(
    isHttpUrl,
    { message: "CASHIN_BASE_URL must be an http(s) URL such as https://sandbox-api.cashin.co.id/pg/fo" },
  ),
  CASHIN_PARTNER_ID: withDefault(demoDefaults.CASHIN_PARTNER_ID).refine((v) => /^[A-Za-z0-9_-]{1,64}$/.test(v), {
    message: "CASHIN_PARTNER_ID must be the client id from Cash In (letters and digits, e.g. CID1234567890)",
  }),
  CASHIN_CHANNEL_ID: withDefault("95221").refine((v) => /^\d{1,5}$/.test(v), {
    message: "CASHIN_CHANNEL_ID must be digits, at most 5",
  }),
  CASHIN_PRIVATE_KEY_PATH: withDefault(demoDefaults.CASHIN_PRIVATE_KEY_PATH),
  CASHIN_PUBLIC_KEY_PATH: withDefault(demoDefaults.CASHIN_PUBLIC_KEY_PATH),
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
  /**
   * The SMTP server notification mails go through (docs/notifications.md), as a nodemailer URL:
   * smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465. Unset: mails are kept in the
   * database and listed on the admin's Mail page instead of being sent.
   */
  SMTP_URL: z
    .string()
    .optional()
    .transform((raw) => raw?.trim() || undefined)
    .refine((v) => v === undefined || ["smtp:", "smtps:"].includes(parseUrl(v)?.protocol ?? ""), {
      message: "SMTP_URL must be an smtp:// or smtps:// URL such as smtps://user:password@smtp.example.co.id:465",
    }),
  /** The sender of notification mails: an address, or "Name <address>". */
  MAIL_FROM: withDefault("Cash In Payouts <payouts@localhost>").refine((v) => !/[\r\n]/.test(v) && /^[^<>@\s]+@[^<>@\s]+$|<[^<>@\s]+@[^<>@\s]+>$/.test(v), {
    message: 'MAIL_FROM must be an e-mail address, or a name and an address such as "Cash In Payouts <payouts@example.co.id>"',
  }),
  /** How long the overview's dashboard figures are reused before being read again; 0 reads them every time (docs/dashboard.md#freshness). */
  DASHBOARD_CACHE_MS: wholeNumber("DASHBOARD_CACHE_MS", 60_000, { min: 0 }),
  /** Requests per minute each API key may make, also its burst (docs/api.md#rate-limits). */
  API_RATE_LIMIT_PER_MINUTE: wholeNumber("API_RATE_LIMIT_PER_MINUTE", 120).refine((n) => n <= 100_000, {
    message: "API_RATE_LIMIT_PER_MINUTE must be at most 100000",
  }),
  /** How often the mailer sends what the outbox holds (docs/notifications.md#the-mailer). */
  MAIL_INTERVAL_MS: wholeNumber("MAIL_INTERVAL_MS", 5000),
  /** How often the webhook worker sends what the webhook outbox holds (docs/webhooks.md#delivery). */
  WEBHOOK_INTERVAL_MS: wholeNumber("WEBHOOK_INTERVAL_MS", 5000),
  /**
   * 1: webhook endpoints on this machine (loopback, plain http) are allowed under NODE_ENV=production too
   * (docs/webhooks.md#where-webhooks-may-go). For tests and development only; never on a merchant's server.
   */
  WEBHOOKS_ALLOW_PRIVATE: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = raw?.trim() ?? "";
      if (value === "" || value === "0") return false;
      if (value === "1") return true;
      ctx.addIssue({ code: "custom", message: `WEBHOOKS_ALLOW_PRIVATE must be 1 (allow webhooks to this machine, for tests only) or unset, got "${raw}"` });
      return z.NEVER;
    }),
  /**
   * on (the default): this process runs the background work (reconciler, batch runners, mailer, webhooks); off: an app
   * instance leaves it to `npm run worker` processes (docs/architecture.md#background-work). A boolean once parsed.
   */
  BACKGROUND: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = raw?.trim().toLowerCase() ?? "";
      if (value === "" || value === "on") return true;
      if (value === "off") return false;
      ctx.addIssue({ code: "custom", message: `BACKGROUND must be on (this process runs the background work, the default) or off (left to npm run worker), got "${raw}"` });
      return z.NEVER;
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

/** What the mailer needs: where mails go, from whom, how often, and the app's address for links. */
export const mailEnvSchema = envSchema.pick({ SMTP_URL: true, MAIL_FROM: true, MAIL_INTERVAL_MS: true, AUTH_URL: true });

/** What the webhook worker needs. */
export const webhookEnvSchema = envSchema.pick({ WEBHOOK_INTERVAL_MS: true, WEBHOOKS_ALLOW_PRIVATE: true });

/** Whether this process runs the background work or leaves it to workers. */
export const backgroundEnvSchema = envSchema.pick({ BACKGROUND: true });

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
  constructor(
    readonly problems: string[],
    hint?: string,
  ) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}${hint ? `\n${hint}` : ""}`);
    this.name = "EnvError";
  }
}

type Source = Record<string, string | undefined>;

/** NODE_ENV=production (every `next start`) without the demo's explicit DEMO_MODE=1: the demo's defaults are refused. */
export function refusesDemoDefaults(source: Source = process.env): boolean {
  return source.NODE_ENV === "production" && source.DEMO_MODE?.trim() !== "1";
}

const productionHint =
  "NODE_ENV=production refuses the demo's defaults: set the variables above (docs/production.md#production-mode). DEMO_MODE=1 runs on them anyway, for a demo.";

/**
 * The demo defaults a production start must not run on, one message per variable saying what to set it to
 * (docs/production.md#production-mode). Empty unless `refusesDemoDefaults`. Reads the private key file to see
 * whether `npm run keys:generate` made it. Malformed values are left to the schema, which names them too.
 */
export function productionProblems(source: Source = process.env, cwd = process.cwd()): string[] {
  if (!refusesDemoDefaults(source)) return [];
  const value = (name: string) => source[name]?.trim() || undefined;
  const problems: string[] = [];

  const baseUrl = value("CASHIN_BASE_URL");
  const cashinUrl = "set it to the base URL Cash In gave you, ending in /pg/fo (https://api.cashin.co.id/pg/fo, or https://sandbox-api.cashin.co.id/pg/fo to try)";
  const gateway = baseUrl ? parseUrl(baseUrl) : null;
  if (!baseUrl) problems.push(`CASHIN_BASE_URL is not set, so payouts would go to the demo's mock gateway: ${cashinUrl}`);
  else if (gateway && isLoopbackHost(gateway.hostname)) problems.push(`CASHIN_BASE_URL is ${baseUrl}, the mock gateway on this machine: ${cashinUrl}`);
  else if (gateway?.protocol === "http:") problems.push(`CASHIN_BASE_URL is ${baseUrl}, plain http: ${cashinUrl}`);

  const partnerId = value("CASHIN_PARTNER_ID");
  const partner = "set it to the client id Cash In gave you (X-PARTNER-ID, like CID1234567890)";
  if (!partnerId) problems.push(`CASHIN_PARTNER_ID is not set, so the demo's ${demoDefaults.CASHIN_PARTNER_ID} would be sent: ${partner}`);
  else if (partnerId === demoDefaults.CASHIN_PARTNER_ID) problems.push(`CASHIN_PARTNER_ID is the demo's ${partnerId}: ${partner}`);

  const keyPath = value("CASHIN_PRIVATE_KEY_PATH");
  const key =
    "set it to the path of your own RSA 2048 private key (PEM), whose public key you registered with Cash In; make one with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out merchant-private.pem`";
  if (!keyPath) problems.push(`CASHIN_PRIVATE_KEY_PATH is not set, so the demo key under data/keys/ would sign: ${key}`);
  else if (resolve(cwd, keyPath) === resolve(cwd, demoDefaults.CASHIN_PRIVATE_KEY_PATH))
    problems.push(`CASHIN_PRIVATE_KEY_PATH is ${keyPath}, where npm run demo keeps its generated key: ${key}`);
  else {
    const pem = readKey(resolve(cwd, keyPath));
    if (pem.ok && isDemoKey(pem.text)) problems.push(`CASHIN_PRIVATE_KEY_PATH is ${keyPath}, a demo key made by npm run keys:generate: ${key}`);
    if (!pem.ok) problems.push(`CASHIN_PRIVATE_KEY_PATH is ${keyPath}, which cannot be read (${pem.code}): ${key}`);
  }

  const authUrl = value("AUTH_URL");
  const origin = "set it to the https:// address people open the app at, such as https://payouts.example.co.id (sign-in builds its URLs from it)";
  const appUrl = authUrl ? parseUrl(authUrl) : null;
  if (!authUrl) problems.push(`AUTH_URL is not set: ${origin}`);
  else if (appUrl && dropsSecureCookies(appUrl))
    problems.push(`AUTH_URL is ${authUrl}, plain http: the session cookie is only sent over HTTPS, so nobody could sign in; ${origin}, behind an HTTPS proxy (docs/production.md#https)`);

  if (value("WEBHOOKS_ALLOW_PRIVATE") === "1")
    problems.push("WEBHOOKS_ALLOW_PRIVATE is 1, which lets webhooks reach this machine over plain http: it is for tests only; remove it (docs/webhooks.md#where-webhooks-may-go)");

  return problems;
}

function readKey(path: string): { ok: true; text: string } | { ok: false; code: string } {
  try {
    return { ok: true, text: readFileSync(path, "utf8") };
  } catch (error) {
    return { ok: false, code: (error as NodeJS.ErrnoException).code ?? "unknown error" };
  }
}

/** The app's environment: the schema's problems and, under production, the demo defaults it refuses. */
export function parseAppEnv(source: Source, cwd = process.cwd()): EnvResult<Env> & { hint?: string } {
  const parsed = parseEnv(source, envSchema);
  const production = productionProblems(source, cwd);
  if (production.length === 0) return parsed;
  return { ok: false, problems: [...(parsed.ok ? [] : parsed.problems), ...production], hint: productionHint };
}

function validated<T>(parse: (source: Source) => EnvResult<T> & { hint?: string }): () => T {
  let cached: T | undefined;
  return () => {
    if (cached) return cached;
    const result = parse(process.env);
    if (!result.ok) throw new EnvError(result.problems, result.hint);
    cached = result.env;
    return result.env;
  };
}

const validatedBy = <S extends z.ZodType>(schema: S) => validated((source) => parseEnv(source, schema));

/**
 * The validated environment of the app; throws one EnvError listing every problem, the demo defaults
 * included under production (instrumentation-node.ts calls it first, so `next start` refuses them).
 */
export const env: () => Env = validated((source) => parseAppEnv(source));

/** The validated gateway part of the environment, for the mock gateway and the ops CLI. */
export const gatewayEnv: () => GatewayEnv = validatedBy(gatewayEnvSchema);

export const databaseEnv: () => z.infer<typeof databaseEnvSchema> = validatedBy(databaseEnvSchema);

export const batchEnv: () => z.infer<typeof batchEnvSchema> = validatedBy(batchEnvSchema);

export const backgroundEnv: () => z.infer<typeof backgroundEnvSchema> = validatedBy(backgroundEnvSchema);

export const signInEnv: () => z.infer<typeof signInEnvSchema> = validatedBy(signInEnvSchema);

export const mailEnv: () => z.infer<typeof mailEnvSchema> = validatedBy(mailEnvSchema);

export const webhookEnv: () => z.infer<typeof webhookEnvSchema> = validatedBy(webhookEnvSchema);

/** A DATABASE_URL as a message may name it: the SQLite file's path, or the PostgreSQL server and database without the password. */
export function databaseLabel(databaseUrl: string): string {
  if (!isPostgresUrl(databaseUrl)) return sqlitePath(databaseUrl);
  const url = parseUrl(databaseUrl);
  if (!url) return "PostgreSQL";
  return `PostgreSQL ${url.username ? `${decodeURIComponent(url.username)}@` : ""}${url.hostname}:${url.port || "5432"}${url.pathname}`;
}

/** The SQLite file path of a `file:` DATABASE_URL. */
export function sqlitePath(databaseUrl: string): string {
  return databaseUrl.replace(/^file:(\/\/)?/, "");
}
