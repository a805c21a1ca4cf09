import { describe, expect, it } from "vitest";
import { envSchema, gatewayEnvSchema, parseEnv, signInEnvSchema } from "@/lib/env";

const secret = "s".repeat(32);

describe("Configuration is validated at start with one clear message per bad variable (docs/architecture.md#configuration)", () => {
  it("fills the embedded demo defaults when only AUTH_SECRET is set", () => {
    const result = parseEnv({ AUTH_SECRET: secret }, envSchema);
    expect(result).toEqual({
      ok: true,
      env: {
        DATABASE_URL: "file:data/app.db",
        AUTH_SECRET: secret,
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
      },
    });
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
        DATABASE_URL: "postgres://db/app",
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

  it("treats empty variables as unset", () => {
    const result = parseEnv({ AUTH_SECRET: secret, CASHIN_TIMEOUT_MS: "", DATABASE_URL: " " }, envSchema);
    expect(result.ok && result.env.CASHIN_TIMEOUT_MS).toBe(15000);
    expect(result.ok && result.env.DATABASE_URL).toBe("file:data/app.db");
  });

  it("lets the gateway tools run without the app's AUTH_SECRET", () => {
    expect(parseEnv({}, gatewayEnvSchema).ok).toBe(true);
  });
});
