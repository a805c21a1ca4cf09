import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase } from "@/db/client";
import { inquiries, transfers } from "@/db/schema";
import type { MockGateway } from "@/lib/cashin/mock/server";
import { CHANNEL_ID, PARTNER_ID, PRIVATE_KEY_PATH, startTestGateway } from "../cashin/support";
import { insertUser, withFixtureWrites } from "../db";

/**
 * docs/lifecycle.md#1-one-top-up-per-transfer across processes: the app's own reconciler and `npm run reconcile`, started at once
 * over one database with 200 approved transfers a crash left unsent. Each transfer reaches Cash In once.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX = join(ROOT, "node_modules/.bin/tsx");
const transfersToSend = 200;

function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ["--conditions=react-server", join(ROOT, script), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

let gateway: MockGateway;
let dir: string;
beforeAll(async () => {
  gateway = await startTestGateway();
  dir = mkdtempSync(join(tmpdir(), "cashin-two-processes-"));
});
afterAll(async () => {
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("Two reconcilers in two processes over one database", () => {
  it("send each of 200 approved transfers exactly once", async () => {
    const file = join(dir, "app.db");
    const db = withFixtureWrites(openDatabase(file));
    migrateDatabase(db);
    const maker = await insertUser(db, { email: "maker@x.test", role: "staff" });
    const approvedAt = new Date(Date.now() - 60_000);
    await db.transaction(async (tx) => {
      for (let i = 0; i < transfersToSend; i++) {
        const phone = `62812300${String(i).padStart(5, "0")}`;
        const [inquiry] = await tx
          .insert(inquiries)
          .values({ userId: maker.id, wallet: "DANA", phone, amount: 10_000 + i, reference: `INQTWO${i}`, outcome: "found", ownerName: "Test Owner", createdAt: approvedAt })
          .returning();
        await tx
          .insert(transfers)
          .values({ reference: `TRFTWO${String(i).padStart(4, "0")}`, wallet: "DANA", phone, amount: 10_000 + i, ownerName: "Test Owner", status: "approved", makerId: maker.id, inquiryId: inquiry!.id, decidedAt: approvedAt, createdAt: approvedAt, updatedAt: approvedAt });
      }
    });
    await db.close();
    // A little latency, so that the two processes' claims and calls interleave.
    gateway.setMode({ latencyMs: 10 });

    const env = {
      DATABASE_URL: `file:${file}`,
      CASHIN_BASE_URL: gateway.baseUrl,
      CASHIN_PARTNER_ID: PARTNER_ID,
      CASHIN_CHANNEL_ID: CHANNEL_ID,
      CASHIN_PRIVATE_KEY_PATH: PRIVATE_KEY_PATH,
      CASHIN_TIMEOUT_MS: "3000",
      RUN_FOR_MS: "40000",
    };
    const [app, cli] = await Promise.all([run("test/transfers/fixtures/app-reconciler.ts", [], env), run("scripts/reconcile.ts", ["--due-only"], env)]);
    expect(app.code, app.output).toBe(0);
    expect(cli.code, cli.output).toBe(0);

    const topups = new Map<string, number>();
    for (const request of gateway.requests().filter((r) => r.call === "topup")) topups.set(request.partnerReferenceNo!, (topups.get(request.partnerReferenceNo!) ?? 0) + 1);
    expect(topups.size).toBe(transfersToSend);
    expect([...topups.values()].filter((n) => n !== 1)).toEqual([]);
    const after = openDatabase(file);
    expect((await after.select().from(transfers)).filter((t) => t.status !== "succeeded")).toEqual([]);
    await after.close();
    // Both really took part: each sent some of them.
    const sentBy = (output: string) => Number(/sent (\d+) approved transfer/.exec(output)?.[1] ?? 0);
    console.info(`[two processes] npm run reconcile sent ${sentBy(cli.output)} of ${transfersToSend}`);
    expect(sentBy(cli.output)).toBeGreaterThan(0);
    expect(sentBy(cli.output)).toBeLessThan(transfersToSend);
  }, 90_000);
});
