import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { approvals, auditEntries, batches, policies, transfers } from "@/db/schema";
import { approveBatch } from "@/lib/batches/decide";
import { parseBatchCsv } from "@/lib/batches/parse";
import { createBatch } from "@/lib/batches/rows";
import { runBatch } from "@/lib/batches/runner";
import { submitBatch } from "@/lib/batches/submit";
import { badgesFor } from "@/lib/notifications/badges";
import { approvalTiers, saveTiers, tiersInputSchema, type TiersInput } from "@/lib/policies/tiers";
import { approveTransfer, rejectTransfer } from "@/lib/transfers/approvals";
import { getLimits, updateLimits } from "@/lib/transfers/settings";
import { insertUser } from "../db";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/**
 * docs/policies.md#approval-tiers (issue 17): approvals accumulate per tier; the transfer is sent when the last one lands, in
 * the same transaction that records it; each approver is a different person from the maker and from each other; a waiting
 * transfer keeps the tier it entered with.
 */

let h: Harness;
const ip = "203.0.113.9";
const john = "6281234567890";

beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const ctx = (actor: { id: number; email: string }) => ({ actor, ip });

function save(tiers: TiersInput["tiers"]) {
  const parsed = tiersInputSchema.parse({ tiers });
  return saveTiers({ db: h.db, actor: h.admin, ip }, parsed);
}

/** Rp 5.000.000 and up: one manager; Rp 10.000.000 and up: two (the maximum per transfer is Rp 25.000.000). */
async function twoTiers() {
  expectOk(await save([
    { floor: 5_000_000, approvals: 1 },
    { floor: 10_000_000, approvals: 2 },
  ]));
}

async function waiting(amount: number, maker = h.staff, phone = john) {
  const created = expectOk(await h.send({ phone, amount }, maker));
  expect(created.status).toBe("awaiting_approval");
  return created;
}

describe("approval tiers", () => {
  it("the default policy is today's single threshold: one manager from the approval threshold up", async () => {
    expect(await approvalTiers(h.db)).toEqual([{ floor: (await getLimits(h.db)).approvalThreshold, approvals: 1, named: [], namedNeeded: 0 }]);
    const below = expectOk(await h.send({ phone: john, amount: 4_999_999 }));
    expect(below.status).not.toBe("awaiting_approval");
    expect((await h.transfer(below.transferId)).approvalRule).toBeNull();
    const { transferId, reference } = await waiting(5_000_000);
    expect(expectOk(await approveTransfer(h.deps, ctx(h.manager), { transferId, duplicatesChecked: [] }))).toMatchObject({ outcome: "approved" });
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
  });

  it("a 2-approver transfer is not sent after one approval, refuses the same person and the maker, and is sent once after the second", async () => {
    await twoTiers();
    const makerManager = await insertUser(h.db, { name: "Dedi", email: "dedi@x.test", role: "manager" });
    const { transferId, reference } = await waiting(12_000_000, makerManager);

    const firstApproval = expectOk(await approveTransfer(h.deps, ctx(h.manager), { transferId }));
    expect(firstApproval).toEqual({ outcome: "recorded", given: 1, needed: 2 });
    expect((await h.transfer(transferId)).status).toBe("awaiting_approval");
    expect(h.topupsAtGateway(reference)).toHaveLength(0);

    expect(await approveTransfer(h.deps, ctx(h.manager), { transferId })).toMatchObject({ ok: false, message: expect.stringMatching(/already approved/) });
    expect(await approveTransfer(h.deps, ctx(makerManager), { transferId })).toMatchObject({ ok: false, code: "forbidden" });
    expect(h.topupsAtGateway(reference)).toHaveLength(0);

    expect(expectOk(await approveTransfer(h.deps, ctx(h.manager2), { transferId }))).toMatchObject({ outcome: "approved" });
    expect(await h.transfer(transferId)).toMatchObject({ approverId: h.manager2.id });
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
    const given = await h.db.select().from(approvals).where(and(eq(approvals.subjectType, "transfer"), eq(approvals.subjectId, transferId)));
    expect(given.map((a) => a.approverId)).toEqual([h.manager.id, h.manager2.id]);
    expect((await h.auditOf(transferId)).map((e) => e.action)).toEqual(expect.arrayContaining(["transfer.approval_given", "transfer.approved"]));
  });

  it("20 concurrent second approvals by 20 managers: one top-up, one approval recorded as the last", async () => {
    await twoTiers();
    const others = [];
    for (let i = 0; i < 20; i++) others.push(await insertUser(h.db, { name: `Manager ${i}`, email: `m${i}@x.test`, role: "manager" }));
    const { transferId, reference } = await waiting(15_000_000);
    expect(expectOk(await approveTransfer(h.deps, ctx(h.manager), { transferId }))).toMatchObject({ outcome: "recorded" });

    const results = await Promise.all(others.map((m) => approveTransfer(h.deps, ctx(m), { transferId })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual(Array(19).fill(expect.objectContaining({ code: "conflict", message: expect.stringContaining("already decided") })));
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
    expect(await h.db.select().from(approvals).where(eq(approvals.subjectId, transferId))).toHaveLength(2);
  });

  it("one manager's 10 approvals at once (a double click, a retry): one approves and sends it, the others hear it was already decided, never that another manager is needed", async () => {
    const { transferId, reference } = await waiting(6_000_000);
    const results = await Promise.all(Array.from({ length: 10 }, () => approveTransfer(h.deps, ctx(h.manager), { transferId })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual(Array(9).fill(expect.objectContaining({ code: "conflict", message: expect.stringContaining("already decided") })));
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
  });

  it("a tier change leaves a waiting transfer's requirement as it entered: raised or lowered", async () => {
    await twoTiers();
    const needsTwo = await waiting(12_000_000);
    const needsOne = await waiting(6_000_000, h.staff, "628111000001");
    // Now everything from Rp 5.000.000 needs two, and nothing else tiers up.
    expectOk(await save([{ floor: 5_000_000, approvals: 2 }]));
    expect(expectOk(await approveTransfer(h.deps, ctx(h.manager), { transferId: needsOne.transferId }))).toMatchObject({ outcome: "approved" });
    expect(expectOk(await approveTransfer(h.deps, ctx(h.manager), { transferId: needsTwo.transferId }))).toMatchObject({ outcome: "recorded", needed: 2 });
    expect(h.topupsAtGateway(needsTwo.reference)).toHaveLength(0);
    // Back to one approval for everything: the waiting one still needs its second.
    expectOk(await save([{ floor: 5_000_000, approvals: 1 }]));
    expect((await h.transfer(needsTwo.transferId)).approvalRule).toMatchObject({ approvals: 2 });
    const newOne = await waiting(12_000_000, h.staff, "628111000002");
    expect((await h.transfer(newOne.transferId)).approvalRule).toMatchObject({ approvals: 1 });
  });

  it("the Approvals badge no longer counts a transfer for the manager who gave their approval; the others still see it", async () => {
    await twoTiers();
    const { transferId } = await waiting(12_000_000);
    const before = (await badgesFor(h.db, h.manager)).approvals!;
    expect(before.count).toBe(1);
    h.advance(1_000);
    expectOk(await approveTransfer(h.deps, ctx(h.manager), { transferId }));
    const after = (await badgesFor(h.db, h.manager)).approvals!;
    expect(after.count).toBe(0);
    // The queue changed for the approvals page of every manager (it shows "1 of 2").
    expect(after.version).not.toBe(before.version);
    expect((await badgesFor(h.db, h.manager2)).approvals!.count).toBe(1);
  });

  it("a tier with named people: the remaining approval must come from them", async () => {
    const dewi = await insertUser(h.db, { name: "Dewi", email: "dewi@x.test", role: "manager" });
    expectOk(await save([
      { floor: 5_000_000, approvals: 1 },
      { floor: 10_000_000, approvals: 2, named: [h.manager2.id], namedNeeded: 1 },
    ]));
    const { transferId, reference } = await waiting(20_000_000);
    expect(expectOk(await approveTransfer(h.deps, ctx(h.manager), { transferId }))).toMatchObject({ outcome: "recorded" });
    expect(await approveTransfer(h.deps, ctx(dewi), { transferId })).toMatchObject({ ok: false, message: expect.stringContaining("Citra") });
    expect(h.topupsAtGateway(reference)).toHaveLength(0);
    expect(expectOk(await approveTransfer(h.deps, ctx(h.manager2), { transferId }))).toMatchObject({ outcome: "approved" });
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
  });

  it("one rejection ends it, even after an approval; a late approval is refused", async () => {
    await twoTiers();
    const { transferId, reference } = await waiting(12_000_000);
    expectOk(await approveTransfer(h.deps, ctx(h.manager), { transferId }));
    expectOk(await rejectTransfer(h.deps, ctx(h.manager2), { transferId, reason: "Not this month" }));
    const dewi = await insertUser(h.db, { name: "Dewi", email: "dewi@x.test", role: "manager" });
    expect(await approveTransfer(h.deps, ctx(dewi), { transferId })).toMatchObject({ ok: false, code: "conflict" });
    expect(h.topupsAtGateway(reference)).toHaveLength(0);
  });

  it("a partial approval past the deadline is refused and the transfer expires", async () => {
    await twoTiers();
    const { transferId } = await waiting(12_000_000);
    expectOk(await approveTransfer(h.deps, ctx(h.manager), { transferId }));
    h.advance(24 * 3_600_000 + 1);
    expect(await approveTransfer(h.deps, ctx(h.manager2), { transferId })).toMatchObject({ ok: false, message: expect.stringMatching(/expired|window/i) });
    expect((await h.transfer(transferId)).status).toBe("expired");
  });
});

describe("a batch's total takes its tier", () => {
  it("two approvals for a batch in a 2-approver tier: recorded after the first, sent after the second", async () => {
    await twoTiers();
    const parsed = parseBatchCsv(["wallet,phone,amount,note", "DANA,6281234567890,6000000,", "OVO,628111000001,6000000,"].join("\n"));
    if (!parsed.ok) throw new Error(parsed.message);
    const batchId = expectOk(await createBatch(h.deps, ctx(h.staff), { fileName: "payroll.csv", rows: parsed.rows })).batchId;
    await runBatch(h.deps, batchId, { backoffMs: 5 });
    expect(expectOk(await submitBatch(h.deps, ctx(h.staff), { batchId })).status).toBe("awaiting_approval");
    expect((await first(h.db.select().from(batches).where(eq(batches.id, batchId)).limit(1)))!.approvalRule).toMatchObject({ approvals: 2 });

    expect(expectOk(await approveBatch(h.deps, ctx(h.manager), { batchId }))).toEqual({ outcome: "recorded", given: 1, needed: 2 });
    expect(await approveBatch(h.deps, ctx(h.manager), { batchId })).toMatchObject({ ok: false, message: expect.stringMatching(/already approved/) });
    await runBatch(h.deps, batchId, { backoffMs: 5 });
    expect((await first(h.db.select().from(batches).where(eq(batches.id, batchId)).limit(1)))!.status).toBe("awaiting_approval");
    expect(h.topupsAtGateway()).toHaveLength(0);

    expect(expectOk(await approveBatch(h.deps, ctx(h.manager2), { batchId }))).toMatchObject({ outcome: "approved", rows: 2 });
    await runBatch(h.deps, batchId, { backoffMs: 5 });
    const rows = await h.db.select().from(transfers).where(eq(transfers.batchId, batchId));
    expect(h.topupsAtGateway().map((r) => r.partnerReferenceNo).sort()).toEqual(rows.map((r) => r.reference).sort());
  });
});

describe("saving the tiers: bad input gets a clear message and saves nothing", () => {
  const refusedCount = async () => (await h.db.select().from(auditEntries).where(eq(auditEntries.action, "policy.approval_tiers_refused"))).length;

  it.each([
    ["unordered floors", [{ floor: 10_000_000, approvals: 1 }, { floor: 5_000_000, approvals: 2 }], "tiers.1.floor", /higher than the one before/],
    ["overlapping (equal) floors", [{ floor: 5_000_000, approvals: 1 }, { floor: 5_000_000, approvals: 2 }], "tiers.1.floor", /higher than the one before/],
    ["more approvers than managers", [{ floor: 5_000_000, approvals: 3 }], "tiers.0.approvals", /only 2 active managers/],
    ["a first floor above the maximum per transfer", [{ floor: 30_000_000, approvals: 1 }], "tiers.0.floor", /maximum per transfer/],
    ["a named person who is not a manager (the staff member, id 1)", [{ floor: 5_000_000, approvals: 1, named: [1], namedNeeded: 1 }], "tiers.0.named", /active managers only/],
    ["more named approvals than people named", [{ floor: 5_000_000, approvals: 2, named: [2], namedNeeded: 2 }], "tiers.0.namedNeeded", /at least this many/],
  ] as const)("%s", async (_, tiers, field, message) => {
    const before = await approvalTiers(h.db);
    const result = await save(tiers.map((t) => ({ ...t, named: "named" in t ? [...t.named] : [] })));
    expect(result).toMatchObject({ ok: false, code: "invalid", fieldErrors: { [field]: [expect.stringMatching(message)] } });
    expect(await approvalTiers(h.db)).toEqual(before);
    expect(await h.db.select().from(policies)).toHaveLength(0);
    expect(await refusedCount()).toBe(1);
  });

  it("the approval count must be 1 to 3", () => {
    expect(tiersInputSchema.safeParse({ tiers: [{ floor: "5.000.000", approvals: 4 }] }).success).toBe(false);
    expect(tiersInputSchema.safeParse({ tiers: [{ floor: "5.000.000", approvals: 0 }] }).success).toBe(false);
    expect(tiersInputSchema.safeParse({ tiers: [{ floor: "Rp 5.000.000", approvals: "2" }] }).success).toBe(true);
  });

  it("the first floor is the approval threshold, kept the same on both screens; the threshold stays below the second floor", async () => {
    await twoTiers();
    expectOk(await save([{ floor: 6_000_000, approvals: 1 }, { floor: 10_000_000, approvals: 2 }]));
    expect((await getLimits(h.db)).approvalThreshold).toBe(6_000_000);
    const limits = { ...(await getLimits(h.db)), approvalThreshold: 10_000_000 };
    expect(await updateLimits({ db: h.db, actor: h.admin, ip }, limits)).toMatchObject({ ok: false, fieldErrors: { approvalThreshold: [expect.stringMatching(/below the next approval tier/)] } });
    expect((await getLimits(h.db)).approvalThreshold).toBe(6_000_000);
    expectOk(await updateLimits({ db: h.db, actor: h.admin, ip }, { ...limits, approvalThreshold: 7_000_000 }));
    expect((await approvalTiers(h.db))[0]!.floor).toBe(7_000_000);
  });
});
