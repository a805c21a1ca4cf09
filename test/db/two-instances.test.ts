import { eq, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import type { MockGateway } from "@/lib/cashin/mock/server";
import { startTestGateway, testClient } from "../cashin/support";
import { createFreshDatabase, noPostgres } from "./pg-support";

/**
 * Two app instances on one PostgreSQL (issue 19, docs/postgresql.md#several-instances): each a pool of its own, as two
 * `next start` processes have, running the domain's code against the same rows at the same time. What must hold is
 * what holds on one SQLite writer: one top-up per transfer however many approvals race, and one unbroken audit chain.
 */

const JOHN = "6281234567890";

describe.skipIf(noPostgres)("two instances on one PostgreSQL", () => {
  let m: Awaited<ReturnType<typeof load>>;
  let gateway: MockGateway;
  let drop: () => Promise<void>;
  let instances: Db[];
  let databaseUrl: string;

  async function load() {
    return {
      schema: await import("@/db/schema"),
      pgConnect: await import("@/db/pg/connect"),
      database: await import("@/db/database"),
      inquiry: await import("@/lib/transfers/inquiry"),
      create: await import("@/lib/transfers/create"),
      approvals: await import("@/lib/transfers/approvals"),
      audit: await import("@/lib/audit/record"),
      verify: await import("@/lib/audit/verify"),
      statements: await import("@/db/statements"),
      settle: await import("@/lib/transfers/settle"),
      reconcile: await import("@/lib/transfers/reconcile"),
    };
  }

  beforeAll(async () => {
    const fresh = await createFreshDatabase();
    drop = fresh.drop;
    databaseUrl = fresh.url;
    vi.resetModules();
    vi.stubEnv("DATABASE_URL", fresh.url);
    m = await load();
    const open = () => m.database.postgresDomainDb(m.pgConnect.openPostgres(fresh.url, { max: 5 }));
    instances = [open(), open()];
    await m.pgConnect.migratePostgres(instances[0] as never);
    gateway = await startTestGateway({ slowTopupMs: 0 });
  });

  afterAll(async () => {
    for (const db of instances ?? []) await db.close();
    await gateway?.close();
    await drop?.();
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  const depsOf = (db: Db) => ({ db, gateway: testClient(gateway, { timeoutMs: 5000 }), now: () => new Date(), gatewayTimeoutMs: 5000 });

  async function person(role: "staff" | "manager", email: string) {
    const [row] = await instances[0]!.transaction((tx) =>
      tx.insert(m.schema.users).values({ name: email.split("@")[0]!, email, role, active: true, passwordHash: "not-used-here" }).returning(),
    );
    return row!;
  }

  it("50 approvals of one transfer spread over both instances: one wins, Cash In gets one top-up, the chain verifies", async () => {
    const staff = await person("staff", "sari@two.test");
    const managers = [await person("manager", "bambang@two.test"), await person("manager", "citra@two.test")];
    const [a] = instances as [Db, Db];
    const inquiry = await m.inquiry.lookUpWallet(depsOf(a), staff.id, { wallet: "DANA", phone: JOHN, amount: 6_000_000 }, { purpose: "transfer" });
    const created = await m.create.createTransfer(depsOf(a), { actor: staff, ip: "203.0.113.1" }, { wallet: "DANA", phone: JOHN, amount: 6_000_000, inquiryId: inquiry.id });
    if (!created.ok) throw new Error(created.message);
    expect(created.data.status).toBe("awaiting_approval");
    const { transferId, reference } = created.data;

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        m.approvals.approveTransfer(depsOf(instances[i % 2]!), { actor: managers[Math.floor(i / 2) % 2]!, ip: `198.51.100.${i + 1}` }, { transferId }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const refused of results.filter((r) => !r.ok)) expect(refused).toMatchObject({ code: "conflict", message: expect.stringContaining("already decided") });
    expect(gateway.requests().filter((r) => r.call === "topup" && r.partnerReferenceNo === reference)).toHaveLength(1);
    const [row] = await a.select().from(m.schema.transfers).where(eq(m.schema.transfers.id, transferId));
    expect(row?.status).toBe("succeeded");
    const approvals = (await a.select().from(m.schema.auditEntries)).filter((e) => e.action === "transfer.approved" && e.targetId === String(transferId));
    expect(approvals).toHaveLength(1);
    expect(await m.verify.verifyAuditChain(a)).toMatchObject({ ok: true });
  });

  it("keeps one unbroken audit chain while both instances append 40 entries at once", async () => {
    const before = (await instances[0]!.select().from(m.schema.auditEntries)).length;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        m.audit.recordAuditNow(instances[i % 2]!, { actor: null, action: "settings.update", target: { type: "settings", id: "limits" }, after: { n: i }, ip: null }),
      ),
    );
    const entries = await instances[1]!.select().from(m.schema.auditEntries);
    expect(entries).toHaveLength(before + 40);
    // Each entry chains to the one before it: no two entries share a predecessor.
    expect(new Set(entries.map((e) => e.prevHash)).size).toBe(entries.length);
    expect(await m.verify.verifyAuditChain(instances[1]!)).toMatchObject({ ok: true, entries: entries.length });
  });

  it("lets writers of both instances wait for each other instead of being refused: 40 appends at once with no retry allowed", async () => {
    const strict = [0, 1].map(() => m.database.postgresDomainDb(m.pgConnect.openPostgres(databaseUrl, { max: 5 }), { retries: 0 }));
    try {
      const appends = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) =>
          m.audit.recordAuditNow(strict[i % 2]!, { actor: null, action: "settings.update", target: { type: "settings", id: "limits" }, after: { strict: i }, ip: null }),
        ),
      );
      expect(appends.filter((a) => a.status === "rejected")).toEqual([]);
      expect(await m.verify.verifyAuditChain(strict[0]!)).toMatchObject({ ok: true });
    } finally {
      for (const db of strict) await db.close();
    }
  });

  /** Whether `promise` settles within `ms`. */
  const settlesWithin = (promise: Promise<unknown>, ms: number) =>
    Promise.race([promise.then(() => true, () => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

  it("a transaction that appends nothing to the audit trail does not wait for the writers' lock; one that appends does", async () => {
    const other = new pg.Client({ connectionString: databaseUrl });
    await other.connect();
    try {
      // Another writer holds the lock (a long audited transaction on a third instance).
      await other.query(`begin; ${m.database.writerLock}`);
      const [a, b] = instances as [Db, Db];
      const unaudited = a.transaction((tx) => tx.insert(m.schema.settings).values({ key: "unaudited-while-locked", value: 1 }), { audited: false });
      const audited = m.audit.recordAuditNow(b, { actor: null, action: "settings.update", target: { type: "settings", id: "locked" }, ip: null });
      expect(await settlesWithin(unaudited, 3_000)).toBe(true);
      await unaudited;
      expect(await settlesWithin(audited, 300)).toBe(false);
      await other.query("commit");
      await audited;
      expect(await m.verify.verifyAuditChain(a)).toMatchObject({ ok: true });
    } finally {
      await other.end();
    }
  });

  it("20 checks of one transfer at once over both instances: one takes the lease (one statement, sent alone) and asks Cash In", async () => {
    const staff = await person("staff", "dewi@two.test");
    const reference = "TRF20261203LEASE000001";
    const phone = "6281298765432";
    await instances[0]!.transaction(async (tx) => {
      const [inquiry] = await tx
        .insert(m.schema.inquiries)
        .values({ userId: staff.id, wallet: "DANA", phone, amount: 10_000, reference: "INQ20261203LEASE00001", outcome: "found", ownerName: "Dewi Lestari" })
        .returning();
      await tx
        .insert(m.schema.transfers)
        .values({ reference, wallet: "DANA", phone, amount: 10_000, ownerName: "Dewi Lestari", status: "processing", makerId: staff.id, inquiryId: inquiry!.id, sentAt: new Date() });
    });
    const [row] = await instances[0]!.select().from(m.schema.transfers).where(eq(m.schema.transfers.reference, reference));
    // Cash In answers after 300 ms: the first check holds the lease meanwhile, while the others try for it.
    const client = testClient(gateway, { timeoutMs: 5000 });
    const slow: typeof client = { ...client, status: async (...args) => (await new Promise((r) => setTimeout(r, 300)), client.status(...args)) };
    const checks = await Promise.all(
      Array.from({ length: 20 }, (_, i) => m.settle.checkTransfer({ ...depsOf(instances[i % 2]!), gateway: slow }, row!.id)),
    );
    expect(checks.filter((c) => c.checked)).toHaveLength(1);
    expect(gateway.requests().filter((r) => r.call === "status" && r.partnerReferenceNo === reference)).toHaveLength(1);
    const [after] = await instances[1]!.select().from(m.schema.transfers).where(eq(m.schema.transfers.id, row!.id));
    expect(after?.leaseUntil).toBeNull();
  });

  /** `count` transfers Cash In has (`processing`), whose next check came a second ago, in that order; no other transfer is due. */
  async function dueTransfers(count: number, tag: string): Promise<{ id: number; reference: string }[]> {
    const staff = await person("staff", `${tag.toLowerCase()}@two.test`);
    const phone = "6281298765432";
    return instances[0]!.transaction(async (tx) => {
      // The other tests' transfers are not due meanwhile: a pass sees these alone.
      await tx.update(m.schema.transfers).set({ nextCheckAt: null });
      const rows: { id: number; reference: string }[] = [];
      for (let i = 0; i < count; i++) {
        const n = String(i).padStart(4, "0");
        const [inquiry] = await tx
          .insert(m.schema.inquiries)
          .values({ userId: staff.id, wallet: "DANA", phone, amount: 10_000 + i, reference: `INQ20261204${tag}${n}`, outcome: "found", ownerName: "Dewi Lestari" })
          .returning();
        const [row] = await tx
          .insert(m.schema.transfers)
          .values({ reference: `TRF20261204${tag}${n}`, wallet: "DANA", phone, amount: 10_000 + i, ownerName: "Dewi Lestari", status: "processing", makerId: staff.id, inquiryId: inquiry!.id, sentAt: new Date(), nextCheckAt: new Date(Date.now() - 1000) })
          .returning({ id: m.schema.transfers.id, reference: m.schema.transfers.reference });
        rows.push(row!);
      }
      return rows;
    });
  }

  const statusCalls = (references: string[]) => references.map((reference) => gateway.requests().filter((r) => r.call === "status" && r.partnerReferenceNo === reference).length);

  it("two reconciler passes at once, one on each instance, over 30 due transfers: each transfer is asked about once", async () => {
    const due = await dueTransfers(30, "PASSES");
    // Cash In answers after 50 ms, so that the two passes overlap all the way.
    const client = testClient(gateway, { timeoutMs: 5000 });
    const slow: typeof client = { ...client, status: async (...args) => (await new Promise((r) => setTimeout(r, 50)), client.status(...args)) };
    const passes = await Promise.all(instances.map((db) => m.reconcile.reconcileDue({ ...depsOf(db), gateway: slow }, { concurrency: 4 })));
    expect(statusCalls(due.map((t) => t.reference))).toEqual(due.map(() => 1));
    expect(passes.map((p) => p.checked).reduce((a, b) => a + b)).toBe(30);
    // Each pass took its share: neither waited for the other's picks to end.
    expect(passes.every((p) => p.checked >= 5)).toBe(true);
  });

  it("a reconciler pass passes over a transfer another instance's transaction is writing, instead of waiting for it", async () => {
    const due = await dueTransfers(3, "LOCKED");
    const held = new pg.Client({ connectionString: databaseUrl });
    await held.connect();
    try {
      // Another instance is in the middle of a write to the first one (its row is locked until that transaction ends).
      await held.query("begin");
      await held.query("update transfers set last_message = 'being written' where id = $1", [due[0]!.id]);
      const pass = m.reconcile.reconcileDue(depsOf(instances[0]!), { concurrency: 2 });
      const waited = new Promise<"waited">((resolve) => setTimeout(() => resolve("waited"), 5000).unref());
      expect(await Promise.race([pass, waited])).toMatchObject({ checked: 2 });
      expect(statusCalls(due.map((t) => t.reference))).toEqual([0, 1, 1]);
      await held.query("rollback");
      // Once that write ended, the next pass takes it.
      expect(await m.reconcile.reconcileDue(depsOf(instances[1]!))).toMatchObject({ checked: 1 });
      expect(statusCalls(due.map((t) => t.reference))).toEqual([1, 1, 1]);
    } finally {
      await held.query("rollback").catch(() => {});
      await held.end();
    }
  });

  it("a one-statement transaction refuses a second statement, and its statement does not wait for the writers' lock", async () => {
    const [a] = instances as [Db, Db];
    const two = a.transaction(async (tx) => {
      await tx.insert(m.schema.settings).values({ key: "alone-first", value: 1 });
      await tx.insert(m.schema.settings).values({ key: "alone-second", value: 1 });
    }, { oneStatement: true });
    await expect(two).rejects.toBeInstanceOf(m.database.OneStatementError);
    // Sent alone, the first statement committed by itself; the second never left.
    const keys = (await a.select().from(m.schema.settings)).map((row) => row.key);
    expect(keys).toContain("alone-first");
    expect(keys).not.toContain("alone-second");
    // Nor can it append to the audit trail, which needs the writers' lock.
    await expect(a.transaction((tx) => m.audit.recordAudit(tx, { actor: null, action: "settings.update", target: { type: "settings" }, ip: null }), { oneStatement: true })).rejects.toBeInstanceOf(
      m.database.UnauditedTransactionError,
    );
    const other = new pg.Client({ connectionString: databaseUrl });
    await other.connect();
    try {
      await other.query(`begin; ${m.database.writerLock}`);
      const alone = a.transaction((tx) => tx.insert(m.schema.settings).values({ key: "alone-while-locked", value: 1 }), { oneStatement: true });
      expect(await settlesWithin(alone, 3_000)).toBe(true);
      await alone;
      await other.query("commit");
    } finally {
      await other.end();
    }
  });

  it("a statement kept for a transaction's connection runs on that connection only, inside that transaction", async () => {
    const [a] = instances as [Db, Db];
    const flip = (tx: Parameters<Parameters<Db["transaction"]>[0]>[0]) =>
      m.statements.oncePerConnection(tx, "test: settings write", () =>
        tx.insert(m.schema.settings).values({ key: sql.placeholder("key"), value: 7 }).prepare(),
      );
    const run = (tx: Parameters<Parameters<Db["transaction"]>[0]>[0], key: string) => m.statements.runOf(tx, flip(tx), { key });
    let firstDone!: () => void;
    const firstCommitted = new Promise<void>((resolve) => (firstDone = resolve));
    let secondStarted!: () => void;
    const secondOpen = new Promise<void>((resolve) => (secondStarted = resolve));
    // Two transactions at once, so on two connections (neither takes the writers' lock, or the second would wait for the
    // first): the first keeps the statement and commits; the second, still open, runs the same kept statement and then
    // fails. Its row must go with it.
    const unlocked = { audited: false };
    const first = a
      .transaction(async (tx) => {
        await secondOpen;
        await run(tx, "kept-first");
      }, unlocked)
      .then(firstDone);
    const second = a.transaction(async (tx) => {
      secondStarted();
      await firstCommitted;
      await run(tx, "kept-second");
      throw new Error("the second transaction fails");
    }, unlocked);
    await first;
    await expect(second).rejects.toThrow("the second transaction fails");
    const kept = (await a.select().from(m.schema.settings)).map((row) => row.key).filter((key) => key.startsWith("kept-"));
    expect(kept).toEqual(["kept-first"]);
  });

  it("a transaction whose opening fails says why, and none of its work lands", async () => {
    const other = new pg.Client({ connectionString: databaseUrl });
    await other.connect();
    // An instance that waits at most 200 ms for a lock, while another session holds the writers' lock.
    const impatient = new URL(databaseUrl);
    impatient.searchParams.set("options", "-c lock_timeout=200");
    const db = m.database.postgresDomainDb(m.pgConnect.openPostgres(impatient.toString(), { max: 2 }), { retries: 0 });
    try {
      await other.query(`begin; ${m.database.writerLock}`);
      // The work's statement is sent right behind the opening, before its answer: it must run inside the failed
      // transaction (refused), never on its own.
      const work = db.transaction((tx) => tx.insert(m.schema.settings).values({ key: "behind-a-failed-opening", value: 1 }));
      await expect(work).rejects.toMatchObject({ code: "55P03" });
      await other.query("commit");
      const rows = await db.select().from(m.schema.settings).where(eq(m.schema.settings.key, "behind-a-failed-opening"));
      expect(rows).toEqual([]);
      // The connection is usable again afterwards.
      await db.transaction((tx) => tx.insert(m.schema.settings).values({ key: "after-a-failed-opening", value: 1 }));
      expect(await db.select().from(m.schema.settings).where(eq(m.schema.settings.key, "after-a-failed-opening"))).toHaveLength(1);
    } finally {
      await other.end();
      await db.close();
    }
  });
});
