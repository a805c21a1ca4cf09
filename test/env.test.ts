import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { demoKeyNote } from "@/lib/cashin/demo-key";
import { backgroundEnvSchema, databaseEnvSchema, EnvError, envSchema, gatewayEnvSchema, parseAppEnv, parseEnv, productionProblems, refusesDemoDefaults, signInEnvSchema } from "@/lib/env";

const secret = "s".repeat(32);

describe("Configuration is validated at start with one clear message per bad variable (docs/architecture.md#configuration)", () => {
  it("fills the embedded demo defaults when only AUTH_SECRET is set", () => {
    const result = parseEnv({ AUTH_SECRET: secret }, envSchema);
    expect(result).toEqual({
      ok: true,
      env: {
        DATABASE_URL: "file:data/app.db",
        AUTH_SECRET: secret,
        AUTH_URL: undefined,
        DEMO_MODE: false,
        CASHIN_BASE_URL: "http://127.0.0.1:4010/pg/fo",
        CASHIN_PARTNER_ID: "CID0000000001",
        CASHIN_CHANNEL_ID: "95221",
        CASHIN_PRIVATE_KEY_PATH: "data/keys/merchant-private.pem",
        CASHIN_PUBLIC_KEY_PATH: "data/keys/merchant-public.pem",
        CASHIN_TIMEOUT_MS: 15000,
        RECONCILE_INTERVAL_MS: 5000,
        BATCH_CONCURRENCY: 8,
        MOCK_GATEWAY_PORT: 4010,
        TRUSTED_PROXY_HOPS: 0,
        SIGN_IN_DELAY_MS: 1000,
        SMTP_URL: undefined,
        MAIL_FROM: "Cash In Payouts <payouts@localhost>",
        MAIL_INTERVAL_MS: 5000,
        DASHBOARD_CACHE_MS: 60000,
        API_RATE_LIMIT_PER_MINUTE: 120,
        WEBHOOK_INTERVAL_MS: 5000,
        WEBHOOKS_ALLOW_PRIVATE: false,
        BACKGROUND: true,
      },
    });
  });

  it("takes an smtp:// or smtps:// SMTP_URL and a MAIL_FROM on one line (docs/notifications.md#configuration)", () => {
    const good = parseEnv({ AUTH_SECRET: secret, SMTP_URL: "smtps://u:p@smtp.example.co.id:465", MAIL_FROM: "Payouts <payouts@example.co.id>" }, envSchema);
    expect(good).toMatchObject({ ok: true, env: { SMTP_URL: "smtps://u:p@smtp.example.co.id:465", MAIL_FROM: "Payouts <payouts@example.co.id>" } });
    const bad = parseEnv({ AUTH_SECRET: secret, SMTP_URL: "http://smtp.example.co.id", MAIL_FROM: "Payouts <payouts@example.co.id>\r\nBcc: x@evil.test", MAIL_INTERVAL_MS: "0" }, envSchema);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems).toEqual([
      expect.stringMatching(/^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/),
      expect.stringMatching(/^MAIL_FROM must be an e-mail address/),
      expect.stringMatching(/^MAIL_INTERVAL_MS must be a positive whole number/),
    ]);
  });

  it("names a missing AUTH_SECRET and says how to get one", () => {
    const result = parseEnv({}, envSchema);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([expect.stringMatching(/^AUTH_SECRET is missing: .*npm run demo/)]);
  });

  it("lists every bad variable at once, each by name", () => {
    const result = parseEnv(
      {
        AUTH_SECRET: "short",
        DATABASE_URL: "mysql://db/app",
        CASHIN_BASE_URL: "not a url",
        CASHIN_PARTNER_ID: "has spaces in it",
        CASHIN_CHANNEL_ID: "123456",
        CASHIN_TIMEOUT_MS: "15s",
        MOCK_GATEWAY_PORT: "70000",
      },
      envSchema,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(7);
    for (const name of ["AUTH_SECRET", "DATABASE_URL", "CASHIN_BASE_URL", "CASHIN_PARTNER_ID", "CASHIN_CHANNEL_ID", "CASHIN_TIMEOUT_MS", "MOCK_GATEWAY_PORT"]) {
      expect(result.problems.filter((p) => p.startsWith(name))).toHaveLength(1);
    }
    expect(result.problems).toContain('CASHIN_TIMEOUT_MS must be a positive whole number, got "15s"');
  });

  it("takes a SQLite file or a PostgreSQL URL, and names both when given anything else", () => {
    for (const url of ["postgres://app:secret@db:5432/payouts", "postgresql://db/payouts", "file:data/app.db"]) {
      expect(parseEnv({ DATABASE_URL: url }, databaseEnvSchema)).toEqual({ ok: true, env: { DATABASE_URL: url } });
    }
    for (const url of ["mysql://db/payouts", "file:", "data/app.db"]) {
      expect(parseEnv({ DATABASE_URL: url }, databaseEnvSchema)).toEqual({
        ok: false,
        problems: ['DATABASE_URL must be a SQLite file URL such as "file:data/app.db" or a PostgreSQL URL such as "postgres://user:password@host:5432/payouts"'],
      });
    }
  });

  it("reads TRUSTED_PROXY_HOPS as the number of proxies in front of the app, 0 to 10", () => {
    expect(parseEnv({ TRUSTED_PROXY_HOPS: "1" }, signInEnvSchema)).toEqual({ ok: true, env: { TRUSTED_PROXY_HOPS: 1, SIGN_IN_DELAY_MS: 1000 } });
    for (const [raw, problem] of [
      ["-1", 'TRUSTED_PROXY_HOPS must be a whole number (0 or more), got "-1"'],
      ["one", 'TRUSTED_PROXY_HOPS must be a whole number (0 or more), got "one"'],
      ["11", "TRUSTED_PROXY_HOPS must be at most 10: it counts the proxies in front of the app, 0 when there is none"],
    ]) {
      expect(parseEnv({ TRUSTED_PROXY_HOPS: raw }, signInEnvSchema)).toEqual({ ok: false, problems: [problem] });
    }
    expect(parseEnv({ SIGN_IN_DELAY_MS: "0" }, signInEnvSchema)).toEqual({ ok: false, problems: ['SIGN_IN_DELAY_MS must be a positive whole number, got "0"'] });
  });

  it("reads BACKGROUND as on (the default: this process runs the background work) or off (left to npm run worker), nothing else", () => {
    const background = (value: string | undefined) => parseEnv({ AUTH_SECRET: secret, BACKGROUND: value }, envSchema);
    expect(background(undefined)).toMatchObject({ ok: true, env: { BACKGROUND: true } });
    expect(background("")).toMatchObject({ ok: true, env: { BACKGROUND: true } });
    expect(background("on")).toMatchObject({ ok: true, env: { BACKGROUND: true } });
    expect(background(" OFF ")).toMatchObject({ ok: true, env: { BACKGROUND: false } });
    for (const bad of ["0", "false", "no", "worker"]) {
      expect(background(bad)).toEqual({
        ok: false,
        problems: [`BACKGROUND must be on (this process runs the background work, the default) or off (left to npm run worker), got "${bad}"`],
      });
    }
    // The app's start and the batch commands read it alone, without the rest of the app's variables.
    expect(parseEnv({ BACKGROUND: "off" }, backgroundEnvSchema)).toEqual({ ok: true, env: { BACKGROUND: false } });
  });

  it("treats empty variables as unset", () => {
    const result = parseEnv({ AUTH_SECRET: secret, CASHIN_TIMEOUT_MS: "", DATABASE_URL: " " }, envSchema);
    expect(result.ok && result.env.CASHIN_TIMEOUT_MS).toBe(15000);
    expect(result.ok && result.env.DATABASE_URL).toBe("file:data/app.db");
  });

  it("lets the gateway tools run without the app's AUTH_SECRET", () => {
    expect(parseEnv({}, gatewayEnvSchema).ok).toBe(true);
  });
});

const root = fileURLToPath(new URL("../", import.meta.url));

/** What a merchant's server sets: nothing of the demo's. */
const production = {
  NODE_ENV: "production",
  AUTH_SECRET: secret,
  AUTH_URL: "https://payouts.example.co.id",
  CASHIN_BASE_URL: "https://api.cashin.co.id/pg/fo",
  CASHIN_PARTNER_ID: "CID1234567890",
  CASHIN_PRIVATE_KEY_PATH: "test/fixtures/snap-test-private.pem",
};

function demoKeyFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), "demo-key-")), "copied-private.pem");
  // An empty PEM block: the demo mark is what is tested, no key material is needed (nor committed).
  const pem = (edge: string) => `-----${edge} ${"PRIVATE"} KEY-----`;
  writeFileSync(path, `${demoKeyNote}\n${pem("BEGIN")}\n${pem("END")}\n`);
  return path;
}

const problemsOf = (source: Record<string, string | undefined>) => {
  const result = parseAppEnv(source, root);
  return result.ok ? [] : result.problems;
};

describe("Production start refuses the demo's defaults, naming every variable to set (SPEC §8.3, docs/production.md#production-mode)", () => {
  it("accepts a merchant's own configuration", () => {
    expect(parseAppEnv(production, root)).toMatchObject({ ok: true, env: { AUTH_URL: "https://payouts.example.co.id", DEMO_MODE: false } });
    // Browsers keep a Secure cookie from http://localhost: a production trial on the server itself works.
    expect(problemsOf({ ...production, AUTH_URL: "http://localhost:3000" })).toEqual([]);
  });

  it.each<[string, Record<string, string | undefined>, RegExp]>([
    ["no gateway URL (the mock's default)", { CASHIN_BASE_URL: undefined }, /^CASHIN_BASE_URL is not set, so payouts would go to the demo's mock gateway: set it to .*https:\/\/api\.cashin\.co\.id\/pg\/fo/],
    ["the mock's own URL", { CASHIN_BASE_URL: "http://127.0.0.1:4010/pg/fo" }, /^CASHIN_BASE_URL is http:\/\/127\.0\.0\.1:4010\/pg\/fo, the mock gateway on this machine: set it to /],
    ["a mock on another loopback port", { CASHIN_BASE_URL: "http://localhost:4110/pg/fo" }, /^CASHIN_BASE_URL is .*, the mock gateway on this machine/],
    ["a gateway over plain http", { CASHIN_BASE_URL: "http://api.cashin.co.id/pg/fo" }, /^CASHIN_BASE_URL is http:\/\/api\.cashin\.co\.id\/pg\/fo, plain http: set it to /],
    ["no partner id (the demo's)", { CASHIN_PARTNER_ID: undefined }, /^CASHIN_PARTNER_ID is not set, so the demo's CID0000000001 would be sent: set it to the client id Cash In gave you/],
    ["the demo partner id", { CASHIN_PARTNER_ID: "CID0000000001" }, /^CASHIN_PARTNER_ID is the demo's CID0000000001: set it to /],
    ["no private key path (the demo key under data/keys/)", { CASHIN_PRIVATE_KEY_PATH: undefined }, /^CASHIN_PRIVATE_KEY_PATH is not set, so the demo key under data\/keys\/ would sign: set it to the path of your own RSA 2048 private key.*openssl genpkey/],
    ["the demo key's path, however written", { CASHIN_PRIVATE_KEY_PATH: "./data/keys/../keys/merchant-private.pem" }, /^CASHIN_PRIVATE_KEY_PATH is .*, where npm run demo keeps its generated key: set it to /],
    ["a key npm run keys:generate made, copied elsewhere", { CASHIN_PRIVATE_KEY_PATH: demoKeyFile() }, /^CASHIN_PRIVATE_KEY_PATH is .*copied-private\.pem, a demo key made by npm run keys:generate: set it to /],
    ["a key file that is not there", { CASHIN_PRIVATE_KEY_PATH: "/nonexistent/merchant-private.pem" }, /^CASHIN_PRIVATE_KEY_PATH is \/nonexistent\/merchant-private\.pem, which cannot be read \(ENOENT\): set it to /],
    ["no AUTH_SECRET", { AUTH_SECRET: undefined }, /^AUTH_SECRET is missing: set it to 32\+ random characters, e\.g\. the output of `openssl rand -base64 32`/],
    ["no AUTH_URL", { AUTH_URL: undefined }, /^AUTH_URL is not set: set it to the https:\/\/ address people open the app at/],
    ["an AUTH_URL over plain http", { AUTH_URL: "http://payouts.example.co.id" }, /^AUTH_URL is http:\/\/payouts\.example\.co\.id, plain http: the session cookie is only sent over HTTPS, so nobody could sign in; set it to the https:\/\/ address/],
  ])("%s: one message naming the variable and what to set it to", (_, change, message) => {
    const problems = problemsOf({ ...production, ...change });
    expect(problems).toEqual([expect.stringMatching(message)]);
  });

  it("lists every variable to set in one message when all the demo's defaults are left", () => {
    const result = parseAppEnv({ NODE_ENV: "production" }, root);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.split(" ")[0])).toEqual(["AUTH_SECRET", "CASHIN_BASE_URL", "CASHIN_PARTNER_ID", "CASHIN_PRIVATE_KEY_PATH", "AUTH_URL"]);
    const message = new EnvError(result.problems, result.hint).message;
    expect(message).toMatch(/^Invalid configuration:\n {2}- AUTH_SECRET is missing/);
    expect(message).toContain("DEMO_MODE=1 runs on them anyway, for a demo.");
  });

  it("reports a malformed value once, by the schema, not again as a demo default", () => {
    expect(problemsOf({ ...production, CASHIN_BASE_URL: "not a url", AUTH_URL: "payouts" })).toEqual([
      "AUTH_URL must be the address people open the app at, such as https://payouts.example.co.id",
      "CASHIN_BASE_URL must be an http(s) URL such as https://sandbox-api.cashin.co.id/pg/fo",
    ]);
  });

  it("allows the demo's defaults with DEMO_MODE=1 (npm run demo, the end-to-end tests, the benchmark) and outside production", () => {
    expect(parseAppEnv({ NODE_ENV: "production", DEMO_MODE: "1", AUTH_SECRET: secret }, root)).toMatchObject({ ok: true, env: { DEMO_MODE: true } });
    expect(productionProblems({ NODE_ENV: "development" }, root)).toEqual([]);
    expect(productionProblems({ NODE_ENV: "test" }, root)).toEqual([]);
    expect(refusesDemoDefaults({ NODE_ENV: "production", DEMO_MODE: " 1 " })).toBe(false);
    expect(refusesDemoDefaults({ NODE_ENV: "production", DEMO_MODE: "0" })).toBe(true);
  });

  it("takes DEMO_MODE only as 1 or unset: anything else is a named mistake and allows nothing", () => {
    const problems = problemsOf({ ...production, DEMO_MODE: "yes", CASHIN_PARTNER_ID: undefined });
    expect(problems).toEqual(['DEMO_MODE must be 1 (run on the demo\'s defaults) or unset, got "yes"', expect.stringMatching(/^CASHIN_PARTNER_ID is not set/)]);
  });
});
