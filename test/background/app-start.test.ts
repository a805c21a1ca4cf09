import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { first, migrateDatabase, openDatabase } from "@/db/client";
import { inquiries, transfers } from "@/db/schema";
import type { MockGateway } from "@/lib/cashin/mock/server";
import { CHANNEL_ID, PARTNER_ID, PRIVATE_KEY_PATH, startTestGateway } from "../cashin/support";
import { insertUser, withFixtureWrites } from "../db";
import { ROOT } from "../support/run-script";

/**
 * docs/architecture.md#background-work: the app's start (instrumentation-node.ts, run here on its own, without the
 * server) starts the background work by default, and with BACKGROUND=off starts none of it and says so in one line.
 * The probe: an approved transfer a crash left unsent, which only a reconciler pass sends.
 */

let gateway: MockGateway;
let dir: string;
let file: string;

beforeAll(async () => {
  gateway = await startTestGateway();
  dir = mkdtempSync(join(tmpdir(), "cashin-app-start-"));
});
afterAll(async () => {
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  gateway.reset();
  file = join(dir, `app-${Date.now()}.db`);
  const db = withFixtureWrites(openDatabase(file));
  migrateDatabase(db);
  const maker = await insertUser(db, { email: "maker@x.test", role: "staff" });
  const approvedAt = new Date(Date.now() - 60_000);
  const [inquiry] = await db
    .insert(inquiries)
    .values({ userId: maker.id, wallet: "DANA", phone: "6281230000001", amount: 10_000, reference: "INQSTART", outcome: "found", ownerName: "Test Owner", createdAt: approvedAt })
    .returning();
  await db
    .insert(transfers)
    .values({ reference: "TRFSTART0001", wallet: "DANA", phone: "6281230000001", amount: 10_000, ownerName: "Test Owner", status: "approved", makerId: maker.id, inquiryId: inquiry!.id, decidedAt: approvedAt, createdAt: approvedAt, updatedAt: approvedAt });
  await db.close();
});

/** instrumentation-node.ts's start, as instrumentation.ts calls it, in a process of its own; with no server to keep it open it ends once its work is done. */
function startApp(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const start = `import(${JSON.stringify(join(ROOT, "instrumentation-node.ts"))}).then((m) => (m.start ?? m.default.start)())`;
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, "node_modules/.bin/tsx"), ["--conditions=react-server", "--eval", start], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: `file:${file}`,
        AUTH_SECRET: "a-test-secret-that-is-long-enough-0123456789",
        CASHIN_BASE_URL: gateway.baseUrl,
        CASHIN_PARTNER_ID: PARTNER_ID,
        CASHIN_CHANNEL_ID: CHANNEL_ID,
        CASHIN_PRIVATE_KEY_PATH: PRIVATE_KEY_PATH,
        CASHIN_TIMEOUT_MS: "3000",
        ...env,
      },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const statusOfProbe = async () => {
  const db = openDatabase(file);
  try {
    return (await first(db.select({ status: transfers.status }).from(transfers).limit(1)))!.status;
  } finally {
    await db.close();
  }
};

describe("The app's start", () => {
  it("with BACKGROUND=off starts no reconciler (nor mailer, nor webhooks) and says the work is left to npm run worker", async () => {
    const app = await startApp({ BACKGROUND: "off" });
    expect(app.code, app.output).toBe(0);
    const lines = app.output.trim().split("\n").map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(lines).toEqual([expect.objectContaining({ level: "info", msg: "[start] BACKGROUND=off: the reconciler, batch runners, mailer and webhooks are left to npm run worker" })]);
    expect(gateway.requests().filter((r) => r.call === "topup")).toHaveLength(0);
    expect(await statusOfProbe()).toBe("approved");
  }, 30_000);

  it("by default runs the reconciler, whose first pass sends what the crash left", async () => {
    const app = await startApp({});
    expect(app.code, app.output).toBe(0);
    expect(app.output).not.toContain("BACKGROUND=off");
    expect(gateway.requests().filter((r) => r.call === "topup").map((r) => r.partnerReferenceNo)).toEqual(["TRFSTART0001"]);
    expect(await statusOfProbe()).toBe("succeeded");
  }, 30_000);
});
