import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first, migrateDatabase, openDatabase } from "@/db/client";
import { inquiries, notifications, users } from "@/db/schema";
import { deliverDue } from "@/lib/notifications/mailer";
import { smtpTransport } from "@/lib/notifications/transport";
import { insertTransfers } from "@/lib/transfers/create";
import { insertUser, withFixtureWrites, type TestDb } from "../db";
import { ROOT } from "../support/run-script";
import { startSmtp, type Smtp } from "./smtp";

/**
 * docs/notifications.md#the-outbox: a notice is written with its change and survives the mailer. Here the
 * mailer runs in a process of its own and is killed (SIGKILL) while the SMTP server holds its mail's DATA
 * unanswered; a mailer started afterwards delivers the mail, once.
 */

const appUrl = "https://payouts.example.co.id";
let dir: string;
let db: TestDb;
let smtp: Smtp;
let holding = true;
let dataArrived = 0;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "cashin-mailer-crash-"));
  db = withFixtureWrites(openDatabase(join(dir, "app.db")));
  migrateDatabase(db);
  holding = true;
  dataArrived = 0;
  // The first message's DATA is never answered: its sender dies waiting.
  smtp = await startSmtp({
    hold: () => {
      dataArrived++;
      return holding ? new Promise<void>(() => {}) : Promise.resolve();
    },
  });
});

afterEach(async () => {
  await smtp.close();
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

describe("A crash between the change and the send", () => {
  it("a mailer killed mid-send leaves the mail to the next one, which sends it exactly once", async () => {
    const staff = await insertUser(db, { name: "Sari", email: "staff@x.test", role: "staff" });
    const manager = await insertUser(db, { name: "Bambang", email: "manager@x.test", role: "manager" });
    await db.update(users).set({ locale: "en" });
    // The change: a transfer that waits for approval, committed with its notice; no mailer is running.
    const inquiry = (
      await db
        .insert(inquiries)
        .values({ userId: staff.id, wallet: "DANA", phone: "628111000001", amount: 7_500_000, reference: "INQ-CRASH-1", outcome: "found", ownerName: "Siti Rahayu" })
        .returning()
    )[0]!;
    const [transfer] = await db.transaction(async (tx) => insertTransfers(tx, { actor: staff, ip: null, at: new Date() }, [{ inquiry: { ...inquiry, ownerName: "Siti Rahayu" }, status: "awaiting_approval" }]));
    expect((await db.select().from(notifications)).map((n) => [n.userId, n.state])).toEqual([[manager.id, "pending"]]);

    const child = spawn(join(ROOT, "node_modules/.bin/tsx"), ["--conditions=react-server", join(ROOT, "test/notifications/fixtures/mailer-process.ts")], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `file:${join(dir, "app.db")}`, SMTP_URL: smtp.url, AUTH_URL: appUrl, RUN_FOR_MS: "60000" },
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      await until(() => dataArrived === 1, 20_000);
      child.kill("SIGKILL");
      await exited;
    } finally {
      child.kill("SIGKILL");
    }
    expect(smtp.received).toHaveLength(0);
    expect(await first(db.select().from(notifications).limit(1))).toMatchObject({ state: "sending" });

    holding = false;
    const transport = smtpTransport(smtp.url, "payouts@example.co.id");
    // While the dead mailer's claim holds, nobody sends it again.
    expect(await deliverDue({ db, now: () => new Date(), transport, appUrl })).toMatchObject({ sent: 0 });
    // The claim lapses (2 minutes); the restarted mailer sends it.
    const later = () => new Date(Date.now() + 3 * 60_000);
    expect(await deliverDue({ db, now: later, transport, appUrl })).toMatchObject({ sent: 1 });
    expect(await deliverDue({ db, now: later, transport, appUrl })).toMatchObject({ sent: 0 });
    expect(smtp.received.map((r) => [r.envelopeTo, r.mail.subject])).toEqual([[["manager@x.test"], `${transfer!.reference} waits for your approval`]]);
    expect(await first(db.select().from(notifications).limit(1))).toMatchObject({ state: "sent" });
  });
});
