import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type Db } from "@/db/client";
import type { CashinClient } from "@/lib/cashin/client";
import { startReconciler } from "@/lib/jobs";

/** The two route handlers as Next.js calls them, over a database file and the process's own environment. */

const token = "route-test-token-0123456789abcdef0123456789";
const dir = mkdtempSync(join(tmpdir(), "ops-routes-"));
const saved = { ...process.env };
const holder = globalThis as unknown as { cashinDb?: Db };
let stopReconciler: (() => void) | undefined;

beforeAll(() => {
  const keyPath = join(dir, "merchant-private.pem");
  writeFileSync(keyPath, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }));
  const file = join(dir, "app.db");
  const setup = openDatabase(file);
  migrateDatabase(setup);
  setup.$client.close();
  Object.assign(process.env, {
    DATABASE_URL: `file:${file}`,
    AUTH_SECRET: "a-test-secret-that-is-long-enough-0123456789",
    CASHIN_PRIVATE_KEY_PATH: keyPath,
    METRICS_TOKEN: token,
  });
  delete holder.cashinDb;
});

afterAll(async () => {
  stopReconciler?.();
  await holder.cashinDb?.close();
  delete holder.cashinDb;
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

const scrape = async (authorization?: string) => {
  const { GET } = await import("@/app/api/metrics/route");
  return GET(new Request("http://localhost/api/metrics", { headers: authorization ? { authorization } : {} }));
};

describe("GET /api/ready", () => {
  it("answers 503 naming the reconciler before its first pass, then 200 with every check ok", async () => {
    const { GET } = await import("@/app/api/ready/route");
    const before = await GET();
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ ready: false, checks: { reconciler: "the reconciler has not finished a pass since the app started" } });

    const { db } = await import("@/db/client");
    const deps = { db: db(), gateway: {} as CashinClient, now: () => new Date(), gatewayTimeoutMs: 1_000 };
    stopReconciler = startReconciler(() => deps, 60_000);
    await expect.poll(async () => (await (await GET()).json()).ready, { timeout: 5_000 }).toBe(true);

    const after = await GET();
    expect(after.status).toBe(200);
    expect(after.headers.get("cache-control")).toBe("no-store");
    const body = await after.json();
    expect(body).toEqual({ ready: true, checks: { database: "ok", migrations: "ok", privateKey: "ok", reconciler: "ok", acceptingWork: "ok" } });
    expect(JSON.stringify(body)).not.toContain(dir);
  });
});

describe("GET /api/metrics", () => {
  it("refuses without the header, with a wrong token and with another scheme: 401 with a sentence", async () => {
    for (const [authorization, message] of [
      [undefined, "Missing Authorization header: send Authorization: Bearer <METRICS_TOKEN>.\n"],
      ["Bearer not-the-token", "Wrong metrics token.\n"],
      [`Basic ${token}`, "Wrong Authorization scheme: send Authorization: Bearer <METRICS_TOKEN>.\n"],
    ] as const) {
      const response = await scrape(authorization);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
      expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(await response.text()).toBe(message);
    }
  });

  it("answers Prometheus text with the token", async () => {
    const response = await scrape(`Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^cashin_payouts_transfers\{status="succeeded"\} 0$/m);
    expect(text).toMatch(/^cashin_payouts_unsettled_transfers 0$/m);
    expect(text).toMatch(/^cashin_payouts_ready\{check="privateKey"\} 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
  });

  it("answers 404 while METRICS_TOKEN is unset, whatever is sent", async () => {
    delete process.env.METRICS_TOKEN;
    try {
      const response = await scrape(`Bearer ${token}`);
      expect(response.status).toBe(404);
      expect(await response.text()).toBe("Metrics are off: set METRICS_TOKEN (at least 32 random characters) on the server to turn them on.\n");
    } finally {
      process.env.METRICS_TOKEN = token;
    }
  });
});
