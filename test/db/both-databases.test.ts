import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import type { MockGateway } from "@/lib/cashin/mock/server";
import { startTestGateway, testClient } from "../cashin/support";
import { createFreshDatabase, noPostgres } from "./pg-support";

/**
 * The statements SQLite and PostgreSQL spell differently (db/dialect.ts, db/statements.ts) and the domain functions
 * that use them, run on both databases with the same expectations (docs/postgresql.md#one-code-path). Each backend
 * loads the modules afresh with its own `DATABASE_URL`, as a process started on that database would: `@/db/schema` then
 * gives that database's tables.
 */

async function modules() {
  return {
    schema: await import("@/db/schema"),
    dialect: await import("@/db/dialect"),
    client: await import("@/db/client"),
    signIns: await import("@/lib/auth/sign-in-attempts"),
    outbox: await import("@/lib/notifications/outbox"),
    mailer: await import("@/lib/notifications/mailer"),
    events: await import("@/lib/webhooks/events"),
    pause: await import("@/lib/sending/pause"),
    audit: await import("@/lib/audit/record"),
    history: await import("@/lib/transfers/history"),
    filters: await import("@/lib/transfers/history-filters"),
    exports: await import("@/lib/transfers/export"),
    figures: await import("@/lib/dashboard/figures"),
    settle: await import("@/lib/transfers/settle"),
    settings: await import("@/lib/transfers/settings"),
  };
}

type Loaded = Awaited<ReturnType<typeof modules>> & { db: Db; close: () => Promise<void> };

async function loadSqlite(): Promise<Loaded> {
  const dir = mkdtempSync(join(tmpdir(), "cashin-both-"));
  vi.resetModules();
  vi.stubEnv("DATABASE_URL", `file:${join(dir, "app.db")}`);
  const loaded = await modules();
  const db = loaded.client.openDatabase(join(dir, "app.db"));
  loaded.client.migrateDatabase(db);
  return { ...loaded, db, close: async () => (await db.close(), rmSync(dir, { recursive: true, force: true })) };
}

async function loadPostgres(): Promise<Loaded> {
  const fresh = await createFreshDatabase();
  vi.resetModules();
  vi.stubEnv("DATABASE_URL", fresh.url);
  const loaded = await modules();
  const { openPostgres, migratePostgres } = await import("@/db/pg/connect");
  const { postgresDomainDb } = await import("@/db/database");
  const pg = openPostgres(fresh.url, { max: 4 });
  await migratePostgres(pg);
  const db = postgresDomainDb(pg);
  return { ...loaded, db, close: async () => (await db.close(), await fresh.drop()) };
}

const backends = [
  { name: "SQLite", skip: false, load: loadSqlite },
  { name: "PostgreSQL", skip: noPostgres, load: loadPostgres },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`the SQL of our own, on ${backend.name}`, () => {
    let m: Loaded;
    let gateway: MockGateway;
    let sequence = 0;
    const next = () => ++sequence;

    beforeAll(async () => {
      m = await backend.load();
      gateway = await startTestGateway();
    });
    afterAll(async () => {
      await m?.close();
      await gateway?.close();
      vi.unstubAllEnvs();
      vi.resetModules();
    });

    const write = <T>(work: (tx: Parameters<Parameters<Db["transaction"]>[0]>[0]) => Promise<T>) => m.db.transaction(work);

    async function user(role: "staff" | "manager" | "admin", active = true): Promise<number> {
      const n = next();
      const [row] = await write((tx) => tx.insert(m.schema.users).values({ name: `Person ${n}`, email: `p${n}@x.test`, role, active, passwordHash: "x" }).returning({ id: m.schema.users.id }));
      return row!.id;
    }

    type Seed = { makerId: number; createdAt: Date; amount?: number; ownerName?: string; memo?: string | null; status?: "succeeded" | "processing" | "failed" | "awaiting_approval"; settledAfterS?: number };
    async function transfer(seed: Seed): Promise<{ id: number; reference: string }> {
      const n = next();
      const phone = `62812${String(n).padStart(8, "0")}`;
      const amount = seed.amount ?? 10_000;
      const ownerName = seed.ownerName ?? "Siti Rahayu";
      return write(async (tx) => {
        const [inquiry] = await tx
          .insert(m.schema.inquiries)
          .values({ userId: seed.makerId, wallet: "DANA", phone, amount, reference: `INQ${n}`, outcome: "found", ownerName, createdAt: seed.createdAt })
          .returning();
        const sentAt = seed.settledAfterS === undefined ? null : new Date(seed.createdAt.getTime() + 5_000);
        const reference = `TRF2025${String(n).padStart(13, "0")}`;
        const [row] = await tx
          .insert(m.schema.transfers)
          .values({
            reference,
            wallet: "DANA",
            phone,
            amount,
            ownerName,
            memo: seed.memo ?? null,
            status: seed.status ?? "succeeded",
            makerId: seed.makerId,
            inquiryId: inquiry!.id,
            sentAt,
            settledAt: sentAt && new Date(sentAt.getTime() + seed.settledAfterS! * 1000),
            createdAt: seed.createdAt,
            updatedAt: seed.createdAt,
          })
          .returning({ id: m.schema.transfers.id });
        return { id: row!.id, reference };
      });
    }

    it("groups failed sign-ins per e-mail, address and minute, and matches a typed % as itself", async () => {
      const minute = new Date("2026-11-30T10:15:00.000Z");
      const at = (s: number) => new Date(minute.getTime() + s * 1000);
      await write((tx) =>
        tx.insert(m.schema.loginAttempts).values([
          { email: "a%b@x.test", ip: "198.51.100.7", outcome: "failure", at: at(10) },
          { email: "a%b@x.test", ip: "198.51.100.7", outcome: "failure", at: at(50) },
          { email: "a%b@x.test", ip: "198.51.100.7", outcome: "throttled", at: at(55) },
          { email: "a%b@x.test", ip: "198.51.100.7", outcome: "failure", at: at(65) },
          { email: "ab@x.test", ip: "198.51.100.7", outcome: "failure", at: at(20) },
          { email: "a%b@x.test", ip: "198.51.100.7", outcome: "success", at: at(70) },
        ]),
      );
      const groups = await m.signIns.listFailedSignIns(m.db, { email: "a%b" }, at(120));
      expect(groups).toEqual([
        { email: "a%b@x.test", ip: "198.51.100.7", minute: at(60), failures: 1, throttled: 0 },
        { email: "a%b@x.test", ip: "198.51.100.7", minute, failures: 2, throttled: 1 },
      ]);
      expect((await m.signIns.listFailedSignIns(m.db, { email: "%" }, at(120))).map((g) => g.email)).toEqual(["a%b@x.test", "a%b@x.test"]);
    });

    it("writes each notification once per person, to the active people of a role", async () => {
      const maker = await user("staff");
      const managers = [await user("manager"), await user("manager")];
      const inactive = await user("manager", false);
      const subject = { type: "transfer" as const, id: 1000 + next(), round: 1_764_000_000_123 };
      const at = new Date("2026-11-30T10:00:00.000Z");
      expect(await write((tx) => m.outbox.notifyApprovers(tx, "transfer.awaiting_approval", subject, maker, at))).toBeGreaterThanOrEqual(managers.length);
      expect(await write((tx) => m.outbox.notifyApprovers(tx, "transfer.awaiting_approval", subject, maker, at))).toBe(0);
      await write((tx) => m.outbox.notifyPerson(tx, "transfer.approved", subject, maker, at));
      await write((tx) => m.outbox.notifyPerson(tx, "transfer.approved", subject, maker, at));
      const rows = await m.db.select().from(m.schema.notifications).where(eq(m.schema.notifications.subjectId, subject.id));
      expect(rows.filter((r) => r.event === "transfer.approved").map((r) => r.userId)).toEqual([maker]);
      const told = rows.filter((r) => r.event === "transfer.awaiting_approval").map((r) => r.userId);
      for (const id of managers) expect(told).toContain(id);
      expect(told).not.toContain(maker);
      expect(told).not.toContain(inactive);
      expect(rows.every((r) => r.round === subject.round && r.createdAt.getTime() === at.getTime() && r.state === "pending")).toBe(true);
    });

    it("writes a webhook event once to each subscribed endpoint", async () => {
      const admin = await user("admin");
      const endpoints = await write((tx) =>
        tx
          .insert(m.schema.webhookEndpoints)
          .values([1, 2].map((i) => ({ url: `https://merchant.example/hook/${next()}-${i}`, events: ["payout.succeeded" as const], secret: "s", createdBy: admin })))
          .returning({ id: m.schema.webhookEndpoints.id }),
      );
      const ids = endpoints.map((e) => e.id);
      const at = new Date("2026-11-30T11:00:00.000Z");
      const subject = `TRF-HOOK-${next()}`;
      const first = await write((tx) => m.events.writeEvent(tx, "payout.succeeded", subject, () => ({ reference: subject }), at, ids));
      const again = await write((tx) => m.events.writeEvent(tx, "payout.succeeded", subject, () => ({ reference: subject }), at, ids));
      expect(again).toBe(first);
      const rows = await m.db.select().from(m.schema.webhookDeliveries).where(eq(m.schema.webhookDeliveries.eventId, first!));
      expect(rows.map((r) => r.endpointId).sort()).toEqual([...ids].sort());
      expect(rows.every((r) => r.createdAt.getTime() === at.getTime() && r.state === "pending" && JSON.parse(r.payload).data.reference === subject)).toBe(true);
    });

    it("opens one deposit pause however often a refusal asks, and tells the admins once", async () => {
      const maker = await user("staff");
      const { id, reference } = await transfer({ makerId: maker, createdAt: new Date("2026-11-30T12:00:00.000Z"), status: "failed" });
      const at = new Date("2026-11-30T12:00:05.000Z");
      const opened = [];
      for (let i = 0; i < 3; i++) opened.push(await write((tx) => m.pause.pauseOnDepositAlert(tx, { transferId: id, reference, code: "4033814", at })));
      expect(opened).toEqual([true, false, false]);
      const open = await m.pause.openPause(m.db);
      expect(open).toMatchObject({ code: "4033814", transferId: id, startedAt: at });
    });

    it("finds an entry's repeat by its reason in the JSON it recorded", async () => {
      const at = new Date("2026-11-30T13:00:00.000Z");
      const target = { type: "probe", id: `r${next()}` };
      const record = (reason: string, ms: number) =>
        write((tx) => m.audit.recordAuditAtMostEvery(tx, 60_000, { actor: null, action: "probe.refused", target, after: { reason }, at: new Date(at.getTime() + ms) }, { sameReason: reason }));
      expect(await record("limit", 0)).toBe(true);
      expect(await record("limit", 1_000)).toBe(false);
      expect(await record("hold", 2_000)).toBe(true);
      expect(await record("limit", 61_000)).toBe(true);
    });

    it("tells a unique index's refusal apart from any other error", async () => {
      const maker = await user("staff");
      const original = await transfer({ makerId: maker, createdAt: new Date("2026-11-30T14:00:00.000Z"), status: "failed" });
      const retry = await transfer({ makerId: maker, createdAt: new Date("2026-11-30T14:01:00.000Z") });
      const other = await transfer({ makerId: maker, createdAt: new Date("2026-11-30T14:02:00.000Z") });
      await write((tx) => tx.update(m.schema.transfers).set({ retryOfId: original.id }).where(eq(m.schema.transfers.id, retry.id)));
      const refused = await write((tx) => tx.update(m.schema.transfers).set({ retryOfId: original.id }).where(eq(m.schema.transfers.id, other.id))).catch((error: unknown) => error);
      expect(m.dialect.isUniqueViolation(refused, { name: "transfers_retry_of_unique", columns: "transfers.retry_of_id" })).toBe(true);
      expect(m.dialect.isUniqueViolation(refused, { name: "transfers_reference_unique", columns: "transfers.reference" })).toBe(false);
      expect(m.dialect.isUniqueViolation(new Error("network down"), { name: "transfers_retry_of_unique", columns: "transfers.retry_of_id" })).toBe(false);
    });

    describe("history, its export and the dashboard over one seeded month", () => {
      const wib = (iso: string) => new Date(`${iso}+07:00`);
      let maker: number;
      const made: { reference: string; createdAt: Date; amount: number; ownerName: string; memo: string | null }[] = [];
      beforeAll(async () => {
        maker = await user("staff");
        const seeds = [
          { createdAt: wib("2025-05-01T08:00:00"), amount: 15_000, ownerName: "Siti Rahayu", settledAfterS: 10 },
          { createdAt: wib("2025-05-01T23:59:59"), amount: 25_000, ownerName: "Budi Santoso", settledAfterS: 20 },
          { createdAt: wib("2025-05-02T00:00:00"), amount: 35_000, ownerName: "Ani Wijaya", memo: "Gaji SITI", settledAfterS: 40 },
          { createdAt: wib("2025-05-03T12:00:00"), amount: 45_000, ownerName: "Dewi Lestari", settledAfterS: 70 },
          { createdAt: wib("2025-05-04T09:30:00"), amount: 55_000, ownerName: "Siti Aminah", status: "failed" as const },
        ];
        for (const seed of seeds) made.push({ ...(await transfer({ makerId: maker, ...seed })), createdAt: seed.createdAt, amount: seed.amount, ownerName: seed.ownerName, memo: seed.memo ?? null });
      });
      const view = (query: string) => m.filters.parseHistoryFilters(new URLSearchParams(`maker=${maker}&${query}`));
      const refs = async (query: string) => (await m.history.listTransfers(m.db, view(query))).rows.map((r) => r.reference);
      const byNewest = () => [...made].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());

      it("lists by Jakarta day, amount and words in any case, and counts", async () => {
        expect(await refs("")).toEqual(byNewest().map((t) => t.reference));
        expect(await refs("from=2025-05-02&to=2025-05-03")).toEqual([made[3]!.reference, made[2]!.reference]);
        expect(await refs("min=20.000&max=40.000")).toEqual([made[2]!.reference, made[1]!.reference]);
        expect(await refs("q=siti")).toEqual([made[4]!.reference, made[2]!.reference, made[0]!.reference]);
        expect(await refs("q=SANTO")).toEqual([made[1]!.reference]);
        expect(await refs("sort=amount&dir=asc&pageSize=25")).toEqual([...made].sort((a, b) => a.amount - b.amount).map((t) => t.reference));
        const page = await m.history.listTransfers(m.db, view(""));
        expect(page.rows[0]).toMatchObject({ reference: made[4]!.reference, amount: 55_000, ownerName: "Siti Aminah", status: "failed", makerId: maker, createdAt: made[4]!.createdAt });
        expect(await m.history.countTransfers(m.db, view("from=2025-05-01&to=2025-05-01"))).toEqual({ count: 2, capped: false });
      });

      it("exports every row in order, a batch at a time", async () => {
        const lines: string[] = [];
        for await (const chunk of m.exports.transferCsvChunks(m.db, view("dir=asc"), { batchSize: 2 })) lines.push(...chunk.split("\r\n").filter(Boolean));
        const body = lines.slice(1);
        expect(body).toHaveLength(made.length);
        made.forEach((t, i) => expect(body[i]).toContain(t.reference));
        // The time column in the file is the transfer's own, in Jakarta time.
        expect(body[0]).toContain("2025-05-01 08:00:00");
        expect(body[4]).toContain("2025-05-04 09:30:00");
      });

      it("figures the month: volume per Jakarta day, outcomes, the median time to settle, the top recipients", async () => {
        const range = { from: "2025-05-01", to: "2025-05-31" };
        const figures = await m.figures.dashboardFigures(m.db, range);
        expect(figures.volume).toMatchObject({ count: 4, total: 120_000 });
        expect(figures.volume.days.slice(0, 4).map((d) => [d.day, d.count, d.total])).toEqual([
          ["2025-05-01", 2, 40_000],
          ["2025-05-02", 1, 35_000],
          ["2025-05-03", 1, 45_000],
          ["2025-05-04", 0, 0],
        ]);
        expect(figures.volume.days).toHaveLength(31);
        expect(figures.outcomes).toMatchObject({ succeeded: 4, failed: 1, total: 5 });
        // Settled after 10, 20, 40 and 70 s: the mean of the two middle ones.
        expect(figures.timeToSettle).toEqual({ medianMs: 30_000, count: 4 });
        expect(figures.topRecipients.map((r) => [r.ownerName, r.count, r.total])).toEqual([
          ["Dewi Lestari", 1, 45_000],
          ["Ani Wijaya", 1, 35_000],
          ["Budi Santoso", 1, 25_000],
          ["Siti Rahayu", 1, 15_000],
        ]);
      });
    });

    it("reminds the managers of a transfer whose approval expires within the lead time", async () => {
      const maker = await user("staff");
      const manager = await user("manager");
      const now = new Date("2026-11-30T15:00:00.000Z");
      const windowMs = (await m.settings.getLimits(m.db)).approvalWindowHours * 3_600_000;
      const due = await transfer({ makerId: maker, createdAt: new Date(now.getTime() - windowMs + 30 * 60_000), status: "awaiting_approval" });
      const notYet = await transfer({ makerId: maker, createdAt: new Date(now.getTime() - 60_000), status: "awaiting_approval" });
      expect(await m.mailer.enqueueReminders(m.db, now)).toBeGreaterThanOrEqual(1);
      const reminders = await m.db.select().from(m.schema.notifications).where(eq(m.schema.notifications.event, "transfer.approval_reminder"));
      expect(reminders.filter((r) => r.userId === manager).map((r) => r.subjectId)).toEqual([due.id]);
      expect(reminders.map((r) => r.subjectId)).not.toContain(notYet.id);
      expect(reminders.find((r) => r.subjectId === due.id)?.round).toBe(now.getTime() - windowMs + 30 * 60_000);
    });

    it("lets one of two simultaneous checks of a transfer ask Cash In (the lease)", async () => {
      const maker = await user("staff");
      const { id, reference } = await transfer({ makerId: maker, createdAt: new Date(), status: "processing" });
      const now = new Date();
      // Cash In answers after 300 ms: the first check holds the lease meanwhile, while the others try for it.
      const client = testClient(gateway, { timeoutMs: 2000 });
      const slowClient: typeof client = { ...client, status: async (...args) => (await new Promise((r) => setTimeout(r, 300)), client.status(...args)) };
      const deps = { db: m.db, gateway: slowClient, now: () => now, gatewayTimeoutMs: 2000 };
      const checks = await Promise.all([m.settle.checkTransfer(deps, id), m.settle.checkTransfer(deps, id), m.settle.checkTransfer(deps, id)]);
      expect(checks.filter((c) => c.checked)).toHaveLength(1);
      expect(gateway.requests().filter((r) => r.call === "status" && r.partnerReferenceNo === reference)).toHaveLength(1);
      // The lease ended with the answer: the next check asks again.
      expect((await m.settle.checkTransfer(deps, id)).checked).toBe(true);
      expect(gateway.requests().filter((r) => r.call === "status" && r.partnerReferenceNo === reference)).toHaveLength(2);
    });
  });
}
