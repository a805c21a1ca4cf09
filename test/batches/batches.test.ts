import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { batchRows, batches, settings, transfers } from "@/db/schema";
import { approvalQueue } from "@/lib/transfers/approval-queue";
import { cancelBatch, approveBatch, expireOverdueBatches, rejectBatch } from "@/lib/batches/decide";
import { parseBatchCsv } from "@/lib/batches/parse";
import { createBatch, editRow, removeRows } from "@/lib/batches/rows";
import { runBatch } from "@/lib/batches/runner";
import { rowsToSend } from "@/lib/batches/send";
import { submitBatch } from "@/lib/batches/submit";
import { verifyAuditChain } from "@/lib/audit/verify";
import { setDepositAlerts } from "@/lib/sending/pause";
import { approveTransfer } from "@/lib/transfers/approvals";
import { transition } from "@/lib/transfers/lifecycle";
import { reconcileDue } from "@/lib/transfers/reconcile";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/**
 * Issue 7: batch payouts. Each row becomes an ordinary transfer, so the money-safety rules of docs/lifecycle.md#transitions
 * hold per row: at most one top-up each (also across two runners, a crash, and 429s), names from a
 * fresh look-up, nothing guessed.
 */

const minute = 60_000;
let h: Harness;
const ip = "203.0.113.9";

beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const staffCtx = () => ({ actor: h.staff, ip });
const managerCtx = (m = h.manager) => ({ actor: m, ip });

async function upload(csv: string, maker = h.staff) {
  const parsed = parseBatchCsv(csv);
  if (!parsed.ok) throw new Error(parsed.message);
  return expectOk(await createBatch(h.deps, { actor: maker, ip }, { fileName: "payroll.csv", rows: parsed.rows })).batchId;
}

const rowsOf = (batchId: number) => h.db.select().from(batchRows).where(eq(batchRows.batchId, batchId)).orderBy(batchRows.line);
const batchOf = async (batchId: number) => (await first(h.db.select().from(batches).where(eq(batches.id, batchId)).limit(1)))!;
const transfersOf = (batchId: number) => h.db.select().from(transfers).where(eq(transfers.batchId, batchId)).orderBy(transfers.id);
const run = (batchId: number, options: Parameters<typeof runBatch>[2] = {}) => runBatch(h.deps, batchId, { backoffMs: 5, ...options });

async function setLimit(key: string, value: number) {
  await h.db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } });
}

function csv(rows: string[]) {
  return ["wallet,phone,amount,note", ...rows].join("\n");
}

/** Every top-up reference the mock saw, with how often. */
function topupCounts() {
  const counts = new Map<string, number>();
  for (const r of h.topupsAtGateway()) counts.set(r.partnerReferenceNo!, (counts.get(r.partnerReferenceNo!) ?? 0) + 1);
  return counts;
}

describe("checking a batch", () => {
  it("looks every valid row up, fills the owner's name or the reason, flags invalid rows and duplicates", async () => {
    const id = await upload(
      csv([
        "DANA,08111000001,10000,June salary", // Siti Rahayu
        "OVO,628111000003,20000,", // not found
        "GoPay,628111000008,30000,", // inactive
        "DANA,12345,10000,", // invalid phone: never looked up
        "DANA,+62 811-1000-001,10.000,again", // duplicate of line 2
      ]),
    );
    expect((await batchOf(id)).status).toBe("checking");
    await run(id);
    const rows = await rowsOf(id);
    expect(rows.map((r) => [r.line, r.state])).toEqual([
      [2, "ok"],
      [3, "unconfirmed"],
      [4, "unconfirmed"],
      [5, "invalid"],
      [6, "ok"],
    ]);
    expect(rows[0]!.ownerName).toBe("Siti Rahayu");
    expect(rows[1]!.problem).toMatch(/No OVO wallet is registered/);
    expect(rows[2]!.problem).toMatch(/inactive/);
    expect(rows[3]!.problem).toMatch(/phone|number/i);
    expect(rows[4]!.duplicateOfLine).toBe(2);
    expect(rows[0]!.duplicateOfLine).toBeNull();
    expect((await batchOf(id)).status).toBe("ready");
    // Four look-ups: the invalid row never reached Cash In.
    expect(h.gateway.requests().filter((r) => r.call === "inquiry")).toHaveLength(4);
  });

  it("never has more look-ups in flight than its concurrency", async () => {
    const id = await upload(csv(Array.from({ length: 24 }, (_, i) => `DANA,62812000${String(i).padStart(5, "0")},10000,`)));
    h.gateway.setMode({ latencyMs: 30 });
    let inFlight = 0;
    let most = 0;
    const inquiry = h.deps.gateway.inquiry;
    h.deps.gateway = {
      ...h.deps.gateway,
      inquiry: async (...args) => {
        most = Math.max(most, ++inFlight);
        try {
          return await inquiry(...args);
        } finally {
          inFlight--;
        }
      },
    };
    await run(id, { concurrency: 3 });
    expect(most).toBe(3);
    expect((await rowsOf(id)).every((r) => r.state === "ok")).toBe(true);
  });

  it("retries a look-up that got no answer after backing off, then asks a person", async () => {
    const id = await upload(csv(["DANA,628111000001,10000,"]));
    h.gateway.setMode({ fault: "rate_limit", faultCalls: ["inquiry"], faultTimes: 2 });
    await run(id);
    expect((await rowsOf(id))[0]!.state).toBe("ok");
    h.gateway.setMode({ fault: "server_error", faultCalls: ["inquiry"] });
    const second = await upload(csv(["DANA,628111000001,10000,"]));
    await run(second);
    expect((await rowsOf(second))[0]).toMatchObject({ state: "unconfirmed", problem: expect.stringMatching(/did not answer/) });
  });

  it("lets the maker fix a row inline, which looks it up again, or remove it", async () => {
    const id = await upload(csv(["DANA,628111000001,10000,", "OVO,628111000003,20000,", "DANA,12345,10000,"]));
    await run(id);
    const [, notFound, invalid] = await rowsOf(id);

    const fixed = expectOk(await editRow(h.deps, staffCtx(), { batchId: id, rowId: invalid!.id, wallet: "GoPay", phone: "0812 3456 7890", amount: "15.000", note: "fixed" }));
    expect(fixed.state).toBe("pending");
    expect((await batchOf(id)).status).toBe("checking");
    expect(await editRow(h.deps, { actor: h.manager, ip }, { batchId: id, rowId: notFound!.id, wallet: "OVO", phone: "628111000001", amount: "1", note: "" })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    const stillBad = expectOk(await editRow(h.deps, staffCtx(), { batchId: id, rowId: notFound!.id, wallet: "OVO", phone: "628111000003", amount: "abc", note: "" }));
    expect(stillBad.state).toBe("invalid");
    expectOk(await removeRows(h.deps, staffCtx(), { batchId: id, rowIds: [notFound!.id] }));
    await run(id);

    const rows = await rowsOf(id);
    expect(rows[2]).toMatchObject({ state: "ok", wallet: "GOPAY", phone: "6281234567890", amount: 15_000, ownerName: "John", note: "fixed" });
    expect(rows[1]!.state).toBe("removed");
    expect((await batchOf(id)).status).toBe("ready");
  });

  it("drops a look-up answer that arrives after the row was edited", async () => {
    const id = await upload(csv(["DANA,628111000001,10000,"]));
    const [row] = await rowsOf(id);
    h.gateway.setMode({ latencyMs: 100 });
    const running = run(id);
    await new Promise((r) => setTimeout(r, 30));
    expectOk(await editRow(h.deps, staffCtx(), { batchId: id, rowId: row!.id, wallet: "DANA", phone: "628111000002", amount: "10000", note: "" }));
    await running;
    await run(id);
    expect((await rowsOf(id))[0]).toMatchObject({ state: "ok", phone: "628111000002", ownerName: "Budi Santoso" });
  });
});

describe("submitting, approving and sending a batch", () => {
  const mixed = csv([
    "DANA,6281234567890,3000000,", // John: succeeds
    "OVO,628111000001,2000000,", // Siti: succeeds
    "GoPay,628111000002,1000000,", // Budi: 202 in progress
    "ShopeePay,628111000004,500000,", // Dewi: insufficient funds
    "DANA,628111000009,400000,", // Hendra: exceeds limit
  ]);

  async function readyBatch(text = mixed) {
    const id = await upload(text);
    await run(id);
    expect((await batchOf(id)).status).toBe("ready");
    return id;
  }

  it("refuses to submit while rows need attention, and asks before paying duplicates", async () => {
    const id = await readyBatch(csv(["DANA,628111000001,10000,", "DANA,628111000003,10000,", "DANA,628111000001,10000,"]));
    expect(await submitBatch(h.deps, staffCtx(), { batchId: id })).toMatchObject({ ok: false, message: expect.stringMatching(/1 row still needs attention/) });
    expectOk(await removeRows(h.deps, staffCtx(), { batchId: id, rowIds: [(await rowsOf(id))[1]!.id] }));
    expect(await submitBatch(h.deps, staffCtx(), { batchId: id })).toMatchObject({ ok: false, message: expect.stringMatching(/1 row repeats an earlier row/) });
    expect(await submitBatch(h.deps, { actor: h.manager, ip }, { batchId: id, acceptDuplicates: true })).toMatchObject({ ok: false, code: "forbidden" });
    expect(expectOk(await submitBatch(h.deps, staffCtx(), { batchId: id, acceptDuplicates: true })).status).toBe("sending");
    expect(await transfersOf(id)).toHaveLength(2);
  });

  it("goes to a manager as one item when its total reaches the threshold; self-approval is refused", async () => {
    const id = await readyBatch();
    // Submitted by a manager, so that the self-approval rule is the one that stops them.
    const managerBatch = await upload(mixed, h.manager);
    await run(managerBatch);
    expect(expectOk(await submitBatch(h.deps, managerCtx(), { batchId: managerBatch })).status).toBe("awaiting_approval");
    expect(await approveBatch(h.deps, managerCtx(), { batchId: managerBatch })).toMatchObject({ ok: false, code: "forbidden" });

    // The same payments were just submitted in the manager's batch: every row is a possible duplicate (docs/lifecycle.md#paying-twice-is-impossible).
    expect(await submitBatch(h.deps, staffCtx(), { batchId: id })).toMatchObject({ ok: false, message: expect.stringMatching(/5 rows repeat an earlier row or a recent payment/) });
    expect((await rowsOf(id)).map((r) => r.nearDuplicateOf)).toEqual((await transfersOf(managerBatch)).map((t) => t.id));
    expect(expectOk(await submitBatch(h.deps, staffCtx(), { batchId: id, acceptDuplicates: true })).status).toBe("awaiting_approval");
    const rows = await transfersOf(id);
    expect(rows.map((t) => t.status)).toEqual(Array(5).fill("awaiting_approval"));
    expect(rows.map((t) => t.ownerName)).toEqual(["John", "Siti Rahayu", "Budi Santoso", "Dewi Lestari", "Hendra Gunawan"]);
    // Not in the single-transfer queue, and not decidable one by one.
    expect((await approvalQueue(h.db, h.manager.id, 24)).map((t) => t.id)).not.toContain(rows[0]!.id);
    expect(await approveTransfer(h.deps, managerCtx(), { transferId: rows[0]!.id })).toMatchObject({ ok: false, message: expect.stringMatching(/batch/) });
    expect(h.topupsAtGateway()).toHaveLength(0);
  });

  it("sends every row exactly once after approval; final statuses follow the wallet table", async () => {
    // Every row's own outcome, Dewi's refusal and the row after it too: deposit alerts off (test/deposit covers them on).
    expectOk(await setDepositAlerts({ db: h.db, actor: h.admin, ip }, { on: false }));
    const id = await readyBatch();
    expectOk(await submitBatch(h.deps, staffCtx(), { batchId: id }));
    expectOk(await approveBatch(h.deps, managerCtx(), { batchId: id }));
    expect(await approveBatch(h.deps, managerCtx(h.manager2), { batchId: id })).toMatchObject({ ok: false, code: "conflict" });
    await run(id, { ctx: managerCtx() });
    expect(await batchOf(id)).toMatchObject({ status: "sent", approverId: h.manager.id });
    expect((await transfersOf(id)).map((t) => t.status)).toEqual(["succeeded", "succeeded", "processing", "failed", "failed"]);
    expect([...topupCounts().values()]).toEqual([1, 1, 1, 1, 1]);
    // Every row has its own audit entries (made set-wise at submit and approval), and the chain holds.
    for (const t of await transfersOf(id)) {
      const fetched = t.status === "succeeded" ? ["transfer.reference"] : [];
      expect((await h.auditOf(t.id)).map((e) => e.action)).toEqual(["transfer.create", "transfer.approved", "transfer.sending", `transfer.${t.status}`, ...fetched]);
      expect((await h.auditOf(t.id))[1]).toMatchObject({ actorId: h.manager.id, ip });
    }
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
    // A success answer carries no Cash In reference: one status call per succeeded row fetched it for the results.
    expect((await transfersOf(id)).map((t) => t.cashinReference?.startsWith("TF") ?? null)).toEqual([true, true, null, null, null]);
    expect(h.statusCallsAtGateway()).toHaveLength(2);

    // Budi's stays processing until the status calls settle it (03, 03, then 00).
    for (let i = 0; i < 4; i++) {
      h.advance(10 * minute);
      await reconcileDue(h.deps);
    }
    expect((await transfersOf(id))[2]!.status).toBe("succeeded");
    expect(h.topupsAtGateway()).toHaveLength(5);
  });

  it("sends at once when the total is under the approval threshold", async () => {
    const id = await readyBatch(csv(["DANA,628111000001,10000,", "OVO,6281234567890,20000,"]));
    expect(expectOk(await submitBatch(h.deps, staffCtx(), { batchId: id })).status).toBe("sending");
    await run(id);
    expect((await transfersOf(id)).map((t) => t.status)).toEqual(["succeeded", "succeeded"]);
  });

  it("rejects with a reason, and the maker can cancel before a decision; nothing is sent", async () => {
    const rejected = await readyBatch();
    expectOk(await submitBatch(h.deps, staffCtx(), { batchId: rejected }));
    expectOk(await rejectBatch(h.deps, managerCtx(), { batchId: rejected, reason: "Wrong month" }));
    expect(await batchOf(rejected)).toMatchObject({ status: "rejected", reason: "Wrong month" });
    expect((await transfersOf(rejected)).every((t) => t.status === "rejected" && t.reason === "Wrong month")).toBe(true);
    expect(await approveBatch(h.deps, managerCtx(h.manager2), { batchId: rejected })).toMatchObject({ ok: false, code: "conflict" });

    const canceled = await readyBatch();
    expectOk(await submitBatch(h.deps, staffCtx(), { batchId: canceled }));
    expect(await cancelBatch(h.deps, managerCtx(), { batchId: canceled })).toMatchObject({ ok: false, code: "forbidden" });
    expectOk(await cancelBatch(h.deps, staffCtx(), { batchId: canceled }));
    expect((await transfersOf(canceled)).every((t) => t.status === "canceled")).toBe(true);
    expect(h.topupsAtGateway()).toHaveLength(0);
  });

  it("expires with all its rows when no manager decides within the approval window", async () => {
    const id = await readyBatch();
    expectOk(await submitBatch(h.deps, staffCtx(), { batchId: id }));
    h.advance(23 * 60 * minute);
    expect(await expireOverdueBatches(h.deps)).toBe(0);
    h.advance(2 * 60 * minute);
    expect(await approveBatch(h.deps, managerCtx(), { batchId: id })).toMatchObject({ ok: false, message: expect.stringMatching(/expired/) });
    expect((await batchOf(id)).status).toBe("expired");
    expect((await transfersOf(id)).every((t) => t.status === "expired")).toBe(true);
  });

  it("looks rows up again when their look-up is older than 15 minutes at submit", async () => {
    const id = await readyBatch();
    h.advance(15 * minute);
    const resubmit = expectOk(await submitBatch(h.deps, staffCtx(), { batchId: id }));
    expect(resubmit).toMatchObject({ status: "checking", rechecking: 5 });
    expect(await transfersOf(id)).toHaveLength(0);
    await run(id);
    expect(expectOk(await submitBatch(h.deps, staffCtx(), { batchId: id })).status).toBe("awaiting_approval");
  });

  it("counts the whole batch against the maker's daily total", async () => {
    await setLimit("dailyTotalPerMaker", 5_000_000);
    const id = await readyBatch();
    expect(await submitBatch(h.deps, staffCtx(), { batchId: id })).toMatchObject({ ok: false, code: "forbidden", message: expect.stringMatching(/daily total/) });
    expect(await transfersOf(id)).toHaveLength(0);
  });

  it("flags a row over the maximum per transfer without looking it up", async () => {
    await setLimit("maxPerTransfer", 1_000_000);
    const id = await readyBatch(csv(["DANA,628111000001,10000,"]).concat("\nDANA,628111000002,2000000,"));
    expect((await rowsOf(id))[1]).toMatchObject({ state: "invalid", problem: expect.stringMatching(/maximum per transfer/) });
  });
});

describe("sending safely (docs/lifecycle.md#money-safety-invariants)", () => {
  async function approvedBatch(rows: number) {
    const id = await upload(csv(Array.from({ length: rows }, (_, i) => `DANA,62812100${String(i).padStart(5, "0")},2000000,`)));
    await run(id);
    expectOk(await submitBatch(h.deps, staffCtx(), { batchId: id }));
    expectOk(await approveBatch(h.deps, managerCtx(), { batchId: id }));
    return id;
  }

  it("resumes after a crash with exactly the rows never claimed, in file order, and never resends a claimed one", async () => {
    // The state a crash leaves: the first row claimed and maybe at Cash In, the rest never claimed, the dead runner's lease.
    const crashed = await approvedBatch(6);
    const rowsBefore = await transfersOf(crashed);
    await h.deps.gateway.topup(
      { partnerReferenceNo: rowsBefore[0]!.reference, wallet: "DANA", customerNumber: rowsBefore[0]!.phone, amount: rowsBefore[0]!.amount },
      {},
    );
    await h.db.transaction(async (tx) =>
      transition(tx, rowsBefore[0]!.id, "approved", "sending", { sentAt: h.now(), nextCheckAt: new Date(h.now().getTime() + 7_000) }, { actor: null, ip: null }, h.now()),
    );
    await h.db.update(batches).set({ leaseUntil: new Date(h.now().getTime() + 30_000) }).where(eq(batches.id, crashed));

    expect(await rowsToSend(h.db, crashed)).toEqual(rowsBefore.slice(1).map((t) => t.id));
    // The dead runner's lease still holds: nobody else starts until it lapses.
    expect(await run(crashed)).toBe(false);
    h.advance(31_000);
    expect(await run(crashed)).toBe(true);

    const counts = topupCounts();
    for (const t of rowsBefore) expect(counts.get(t.reference)).toBe(1);
    expect((await transfersOf(crashed))[0]!.status).toBe("sending");
    h.advance(20_000);
    await reconcileDue(h.deps);
    expect((await transfersOf(crashed)).map((t) => t.status)).toEqual(Array(6).fill("succeeded"));
    expect((await batchOf(crashed)).status).toBe("sent");
  });

  it("lets only one of two runners send a batch", async () => {
    const id = await approvedBatch(20);
    h.gateway.setMode({ latencyMs: 10 });
    const results = await Promise.all([run(id), run(id), run(id)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const counts = topupCounts();
    expect(counts.size).toBe(20);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it("backs off on 429: the rate-limited rows stay processing, are never resent, and the rest go through", async () => {
    const id = await approvedBatch(12);
    h.gateway.setMode({ fault: "rate_limit", faultCalls: ["topup"], faultTimes: 3 });
    // A controlled clock for the backoff: every pause is recorded instead of waited for.
    let virtualMs = 0;
    const pauses: number[] = [];
    const pacer = { now: () => virtualMs, sleep: async (ms: number) => void (pauses.push(ms), (virtualMs += ms)) };
    await run(id, { concurrency: 1, backoffMs: 40, pacer });
    // Three 429s in a row: pauses of 40, 80 and 160 ms before the next sends, then none once Cash In answers again.
    expect(pauses).toEqual([40, 80, 160]);
    const statuses = (await transfersOf(id)).map((t) => t.status);
    expect(statuses.filter((s) => s === "processing")).toHaveLength(3);
    expect(statuses.filter((s) => s === "succeeded")).toHaveLength(9);
    expect([...topupCounts().values()].every((n) => n === 1)).toBe(true);
    expect(topupCounts().size).toBe(12);
    // The status call later finds the rate-limited ones never reached Cash In: failed, never resent.
    h.advance(60 * minute);
    await reconcileDue(h.deps, { all: true });
    h.advance(60 * minute);
    await reconcileDue(h.deps, { all: true });
    expect((await transfersOf(id)).filter((t) => t.status === "failed")).toHaveLength(3);
    expect(topupCounts().size).toBe(12);
  });

  it("leaves a batch's approved rows to the batch runner, not the reconciler's orphan pass", async () => {
    const id = await approvedBatch(3);
    h.advance(10 * minute);
    const pass = await reconcileDue(h.deps);
    expect(pass.resent).toBe(0);
    expect(await rowsToSend(h.db, id)).toHaveLength(3);
  });
});
