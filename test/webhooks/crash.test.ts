import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first, migrateDatabase, openDatabase } from "@/db/client";
import { inquiries, webhookAttempts, webhookDeliveries } from "@/db/schema";
import { insertTransfers } from "@/lib/transfers/create";
import { deliverDue } from "@/lib/webhooks/deliver";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { verify } from "@/lib/webhooks/signature";
import { insertUser, withFixtureWrites, type TestDb } from "../db";
import { ROOT } from "../support/run-script";

/**
 * docs/webhooks.md#delivery: an event is written with its change and survives the worker. Here the worker runs in a
 * process of its own and is killed (SIGKILL) while the receiver holds its request unanswered; once the lease lapses a
 * worker started afterwards delivers the event, and exactly one success is logged.
 */

process.env.AUTH_SECRET ??= "webhook-tests-secret-0123456789abcdef0123456789";

let dir: string;
let db: TestDb;
let receiver: Server;
let holding = true;
const arrived: { headers: Record<string, string>; body: string }[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "cashin-webhook-crash-"));
  db = withFixtureWrites(openDatabase(join(dir, "app.db")));
  migrateDatabase(db);
  holding = true;
  arrived.length = 0;
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      arrived.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString("utf8") });
      // The first request is never answered: its sender dies waiting.
      if (!holding) res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
});

afterEach(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until(condition: () => boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("A crash between the status change and the delivery", () => {
  it("a worker killed mid-attempt leaves the event to the next one once its lease lapses, which delivers it exactly once", async () => {
    const admin = await insertUser(db, { name: "Ayu", email: "admin@x.test", role: "admin" });
    const staff = await insertUser(db, { name: "Sari", email: "staff@x.test", role: "staff" });
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const created = await createEndpoint({ db, now: () => new Date(), policy: { allowLoopback: true } }, { actor: admin, ip: null }, { url, description: null, events: ["payout.awaiting_approval"] });
    if (!created.ok) throw new Error(created.message);

    // The change: a payout that waits for approval, committed with its event; no worker is running.
    const inquiry = (
      await db
        .insert(inquiries)
        .values({ userId: staff.id, wallet: "DANA", phone: "628111000001", amount: 7_500_000, reference: "INQ-WH-CRASH-1", outcome: "found", ownerName: "Siti Rahayu" })
        .returning()
    )[0]!;
    const [transfer] = await db.transaction(async (tx) => insertTransfers(tx, { actor: staff, ip: null, at: new Date() }, [{ inquiry: { ...inquiry, ownerName: "Siti Rahayu" }, status: "awaiting_approval" }]));
    expect(await db.select().from(webhookDeliveries)).toMatchObject([{ state: "pending", attempts: 0, eventType: "payout.awaiting_approval" }]);

    const child = spawn(join(ROOT, "node_modules/.bin/tsx"), ["--conditions=react-server", join(ROOT, "test/webhooks/fixtures/worker-process.ts")], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `file:${join(dir, "app.db")}`, RUN_FOR_MS: "60000", NODE_ENV: "test" },
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      await until(() => arrived.length === 1, 20_000);
      child.kill("SIGKILL");
      await exited;
    } finally {
      child.kill("SIGKILL");
    }
    // Nothing answered, nothing logged: the dead worker's lease holds the row (one attempt started, none logged).
    expect(await db.select().from(webhookAttempts)).toHaveLength(0);
    expect(await first(db.select().from(webhookDeliveries).limit(1))).toMatchObject({ state: "pending", attempts: 1 });

    holding = false;
    const deps = { db, now: () => new Date(), policy: { allowLoopback: true } };
    // While the lease holds, nobody sends it again.
    expect(await deliverDue(deps)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    // The lease lapses (a minute); the restarted worker delivers it, once.
    const later = { ...deps, now: () => new Date(Date.now() + 61_000) };
    expect(await deliverDue(later)).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(await deliverDue(later)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(arrived).toHaveLength(2);
    expect(arrived[1]!.headers["webhook-id"]).toBe(arrived[0]!.headers["webhook-id"]);
    expect(verify(created.data.secret, arrived[1]!.headers, arrived[1]!.body, Math.floor(Date.now() / 1000) + 61)).toBe(true);
    expect(JSON.parse(arrived[1]!.body).data.payout.reference).toBe(transfer!.reference);
    expect((await db.select().from(webhookAttempts)).map((a) => a.status)).toEqual([200]);
    expect(await first(db.select().from(webhookDeliveries).limit(1))).toMatchObject({ state: "delivered", attempts: 1 });
  });
});
