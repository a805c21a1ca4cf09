import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isUniqueViolation } from "@/db/dialect";
import { first } from "@/db/client";
import { auditEntries, batchRows, batches, gatewayCalls, inquiries, settings, transfers } from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit/verify";
import { approveBatch, confirmResume } from "@/lib/batches/decide";
import { parseBatchCsv } from "@/lib/batches/parse";
import { createBatch } from "@/lib/batches/rows";
import { runBatch, stalledBatches } from "@/lib/batches/runner";
import { submitBatch } from "@/lib/batches/submit";
import { parseEnv, envSchema } from "@/lib/env";
import { approveTransfer } from "@/lib/transfers/approvals";
import { createTransfer } from "@/lib/transfers/create";
import { nearDuplicates } from "@/lib/transfers/duplicates";
import { lookUpWallet } from "@/lib/transfers/inquiry";
import { effectiveGraceMs, minGraceMinutes } from "@/lib/transfers/grace";
import { limitsSchemaFor } from "@/lib/transfers/limits-schema";
import { giveUpAfterMs } from "@/lib/transfers/reconcile-schedule";
import { reconcileDue, sendUnsentWithinMs } from "@/lib/transfers/reconcile";
import { confirmResolution, declineResolution, proposeResolution, reviewDiscrepancy } from "@/lib/transfers/resolve";
import { proposeResolutionSchema } from "@/lib/transfers/schemas";
import { checkTransfer, notFoundMayMeanNeverSent } from "@/lib/transfers/settle";
import { getLimits } from "@/lib/transfers/settings";
import { createHarness, expectOk, type Harness } from "./harness";

/**
 * Issue 11, docs/lifecycle.md#paying-twice-is-impossible: paying twice is impossible, not just unlikely. Each rule is proved by injecting the
 * fault it guards against; the mock is the real gateway stand-in, over HTTP.
 */

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const ip = "203.0.113.7";
const SITI = "628111000001";
const JOHN = "6281234567890";

let h: Harness;
afterEach(() => h.close());

const auditActions = async (action: string) => await h.db.select().from(auditEntries).where(eq(auditEntries.action, action));
const transferCount = async () => (await h.db.select().from(transfers)).length;

/** A batch uploaded by the staff member from `rows` (lines after the header), checked. */
async function checkedBatch(rows: string[]): Promise<number> {
  const parsed = parseBatchCsv(["wallet,phone,amount", ...rows].join("\n"));
  if (!parsed.ok) throw new Error(parsed.message);
  const id = expectOk(await createBatch(h.deps, { actor: h.staff, ip }, { fileName: "pay.csv", rows: parsed.rows })).batchId;
  await runBatch(h.deps, id);
  return id;
}

/** A transfer to SITI that never reached Cash In (500 before processing) and failed as never sent after the grace period. */
async function failedNeverSent(amount = 20_000) {
  h.gateway.setMode({ fault: "server_error", faultCalls: ["topup"], faultTimes: 1 });
  const failed = expectOk(await h.send({ phone: SITI, amount }));
  h.advance(11 * minute);
  await reconcileDue(h.deps, { all: true });
  expect((await h.transfer(failed.transferId)).status).toBe("failed");
  return failed;
}

describe("One retry per failed transfer", () => {
  beforeEach(async () => {
    h = await createHarness();
  });

  it("two retries at once (two tabs) make one retry and one top-up", async () => {
    const failed = await failedNeverSent();
    const query = { wallet: "DANA" as const, phone: SITI, amount: 20_000 };
    const [a, b] = [await lookUpWallet(h.deps, h.staff.id, query, { purpose: "transfer" }), await lookUpWallet(h.deps, h.staff.id, query, { purpose: "transfer" })];
    h.gateway.setMode({ latencyMs: 50 });
    const results = await Promise.all(
      [a, b].map((inquiry) => createTransfer(h.deps, { actor: h.staff, ip }, { ...query, inquiryId: inquiry.id, retryOf: failed.transferId })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ code: "conflict", message: expect.stringMatching(/already retried/) });
    const retries = await h.db.select().from(transfers).where(eq(transfers.retryOfId, failed.transferId));
    expect(retries).toHaveLength(1);
    // One top-up for the original (which failed) and one for its single retry: never a third.
    expect(h.topupsAtGateway().filter((r) => JSON.parse(r.body).customerNumber === SITI)).toHaveLength(2);
    expect(await auditActions("transfer.retry_refused")).toHaveLength(1);
  });

  it("is enforced by the database: a second row retrying the same transfer is refused", async () => {
    const failed = await failedNeverSent();
    expectOk(await h.send({ phone: SITI, amount: 20_000 }, h.staff, { retryOf: failed.transferId }));
    const inquiry = await lookUpWallet(h.deps, h.staff.id, { wallet: "DANA", phone: SITI, amount: 20_000 }, { purpose: "transfer" });
    await expect(
      h.db
        .insert(transfers)
        .values({ reference: "TRFRACE", wallet: "DANA", phone: SITI, amount: 20_000, ownerName: "Siti Rahayu", status: "approved", makerId: h.staff.id, inquiryId: inquiry.id, retryOfId: failed.transferId }),
    ).rejects.toSatisfy((error) => isUniqueViolation(error, { name: "transfers_retry_of_unique", columns: "transfers.retry_of_id" }));
  });

  it("refuses, audits and changes nothing: a retry of a transfer that is not failed, by someone else, or for another amount", async () => {
    const sent = expectOk(await h.send({ phone: JOHN, amount: 30_000 }));
    expect(await h.send({ phone: JOHN, amount: 30_000 }, h.staff, { retryOf: sent.transferId, separate: true })).toMatchObject({
      ok: false,
      message: "Only a failed transfer can be retried as a new one.",
    });
    const failed = await failedNeverSent();
    const other = { ...h.staff, id: h.manager2.id, email: h.manager2.email, role: "staff" as const };
    expect(await h.send({ phone: SITI, amount: 20_000 }, other, { retryOf: failed.transferId })).toMatchObject({ ok: false, message: expect.stringMatching(/Only the person who made/) });
    expect(await h.send({ phone: SITI, amount: 25_000 }, h.staff, { retryOf: failed.transferId })).toMatchObject({ ok: false, message: expect.stringMatching(/keeps the failed transfer's e-wallet, phone and amount/) });
    const before = await transferCount();
    expect(await auditActions("transfer.retry_refused")).toHaveLength(3);
    // A manager may retry someone else's failed transfer; then nobody can retry it again.
    expectOk(await h.send({ phone: SITI, amount: 20_000 }, h.manager, { retryOf: failed.transferId }));
    expect(await h.send({ phone: SITI, amount: 20_000 }, h.staff, { retryOf: failed.transferId, separate: true })).toMatchObject({ ok: false, message: expect.stringMatching(/already retried once/) });
    expect(await transferCount()).toBe(before + 1);
  });
});

describe("'Not found' means 'never sent' only after an ambiguous top-up", () => {
  it("the late-visible wallet (202, then 07 past the grace period) stays processing, then succeeds, and is never retryable", async () => {
    h = await createHarness({ lateVisibilityMs: 400 });
    const { transferId, reference } = expectOk(await h.send({ phone: "628111000010", amount: 40_000 }));
    expect(await h.transfer(transferId)).toMatchObject({ status: "processing", topupAnswer: "in_progress" });
    h.advance(30 * minute);
    await checkTransfer(h.deps, transferId);
    expect(await h.transfer(transferId)).toMatchObject({ status: "processing", lastMessage: expect.stringMatching(/accepted this transfer but does not show it yet/) });
    await new Promise((resolve) => setTimeout(resolve, 450));
    await checkTransfer(h.deps, transferId);
    // The top-up's own answer is kept whatever the status calls said since.
    expect(await h.transfer(transferId)).toMatchObject({ status: "succeeded", topupAnswer: "in_progress" });
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
  });

  it("after a 409xx01 or a success, 07 is never 'never sent'; after no answer at all (a crash) or an ambiguous one, it may be", () => {
    expect([null, "ambiguous", "in_progress", "succeeded", "held", "refused"].map((answer) => notFoundMayMeanNeverSent(answer as never))).toEqual([true, true, false, false, false, false]);
  });

  it("a transfer Cash In holds but never settles becomes unresolved after 3 days, and is never sent again", async () => {
    h = await createHarness({ lateVisibilityMs: 10 * 24 * hour });
    const { transferId, reference } = expectOk(await h.send({ phone: "628111000010", amount: 40_000 }));
    h.advance(giveUpAfterMs + minute);
    await reconcileDue(h.deps);
    expect(await h.transfer(transferId)).toMatchObject({ status: "unresolved", nextCheckAt: null });
    h.advance(hour);
    expect(await reconcileDue(h.deps)).toMatchObject({ checked: 0, resent: 0 });
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
  });
});

describe("Unresolved transfers: an admin records the outcome, another person confirms it", () => {
  async function unresolvedTransfer() {
    h = await createHarness({ lateVisibilityMs: 10 * 24 * hour });
    const { transferId } = expectOk(await h.send({ phone: "628111000010", amount: 40_000 }));
    h.advance(giveUpAfterMs + minute);
    await checkTransfer(h.deps, transferId);
    expect((await h.transfer(transferId)).status).toBe("unresolved");
    return transferId;
  }
  const admin = () => ({ actor: h.admin, ip });

  it("takes effect only once a manager confirms; the recorder cannot confirm their own, and that is audited", async () => {
    const transferId = await unresolvedTransfer();
    expect(proposeResolutionSchema.safeParse({ transferId, outcome: "failed", reason: "" }).success).toBe(false);
    expectOk(await proposeResolution(h.deps, admin(), { transferId, outcome: "failed", reason: "Cash In ticket #4411: never processed" }));
    expect(await h.transfer(transferId)).toMatchObject({ status: "unresolved", resolutionOutcome: "failed", resolutionBy: h.admin.id });
    expect(await proposeResolution(h.deps, admin(), { transferId, outcome: "succeeded", reason: "changed my mind" })).toMatchObject({ ok: false, code: "conflict" });

    expect(await confirmResolution(h.deps, admin(), { transferId })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await auditActions("transfer.resolution_confirm_refused")).toHaveLength(1);
    expect((await h.transfer(transferId)).status).toBe("unresolved");

    expectOk(await confirmResolution(h.deps, { actor: h.manager, ip }, { transferId }));
    expect(await h.transfer(transferId)).toMatchObject({ status: "failed", reason: expect.stringContaining("Cash In ticket #4411") });
    // A transfer resolved as failed may be retried, once.
    expectOk(await h.send({ phone: "628111000010", amount: 40_000 }, h.staff, { retryOf: transferId }));
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  it("a declined outcome leaves it unresolved for the admin to record another", async () => {
    const transferId = await unresolvedTransfer();
    expectOk(await proposeResolution(h.deps, admin(), { transferId, outcome: "succeeded", reason: "Statement line 12" }));
    expectOk(await declineResolution(h.deps, { actor: h.manager, ip }, { transferId, reason: "Line 12 is another payment" }));
    expect(await h.transfer(transferId)).toMatchObject({ status: "unresolved", resolutionOutcome: null });
    expect(await confirmResolution(h.deps, { actor: h.manager2, ip }, { transferId })).toMatchObject({ ok: false, code: "conflict" });
  });
});

describe("Later answers win only forward", () => {
  beforeEach(async () => {
    h = await createHarness();
  });

  it("a success that Cash In later refunds becomes refunded (the refund wallet: 00, 00, then 04)", async () => {
    const { transferId, reference } = expectOk(await h.send({ phone: "628111000011", amount: 25_000 }));
    expect(await h.transfer(transferId)).toMatchObject({ status: "succeeded", cashinReference: expect.stringMatching(/^TF/) });
    h.advance(hour);
    await reconcileDue(h.deps);
    expect((await h.transfer(transferId)).status).toBe("succeeded");
    h.advance(24 * hour);
    await reconcileDue(h.deps);
    expect(await h.transfer(transferId)).toMatchObject({ status: "refunded", nextCheckAt: null });
    expect(h.statusCallsAtGateway(reference)).toHaveLength(3);
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
  });

  it("06 after 00 changes no status: it raises a discrepancy until an admin reviews it, once per contradiction", async () => {
    // A top-up answered 202 that Cash In then reports 03, then 06; recorded as succeeded (as if the top-up had said 00).
    const { transferId } = expectOk(await h.send({ phone: "628111000007", amount: 15_000 }));
    await h.db.update(transfers).set({ status: "succeeded", settledAt: h.now(), nextCheckAt: h.now() }).where(eq(transfers.id, transferId));
    await checkTransfer(h.deps, transferId);
    await checkTransfer(h.deps, transferId);
    await checkTransfer(h.deps, transferId);
    expect(await h.transfer(transferId)).toMatchObject({ status: "succeeded", discrepancy: expect.stringContaining("06 Failed"), discrepancyReviewedAt: null });
    expect((await auditActions("transfer.discrepancy")).map((e) => (e.after as { reported: string }).reported)).toEqual(["03 Pending", "06 Failed"]);
    expectOk(await reviewDiscrepancy(h.deps, { actor: h.admin, ip }, { transferId, reason: "Cash In confirmed the payout, ticket 9" }));
    expect((await h.transfer(transferId)).discrepancyReviewedBy).toBe(h.admin.id);
    await checkTransfer(h.deps, transferId);
    expect((await h.transfer(transferId)).discrepancyReviewedBy).toBe(h.admin.id);
  });

  it("00 after failed changes no status and raises a discrepancy: the money may have arrived", async () => {
    const failed = await failedNeverSent();
    // Cash In shows it after all (the 500 hid a processed top-up): the watch check finds it.
    await h.db.update(transfers).set({ nextCheckAt: h.now() }).where(eq(transfers.id, failed.transferId));
    await h.deps.gateway.topup({ partnerReferenceNo: failed.reference, wallet: "DANA", customerNumber: SITI, amount: 20_000 });
    await reconcileDue(h.deps);
    expect(await h.transfer(failed.transferId)).toMatchObject({ status: "failed", discrepancy: expect.stringMatching(/00 Success.*may have reached the wallet/) });
  });
});

describe("No redirects, and echoes checked, on the paths that send", () => {
  beforeEach(async () => {
    h = await createHarness();
  });

  it("a redirect on the top-up is not followed: one top-up, processing, the 3xx on the timeline", async () => {
    h.gateway.setMode({ fault: "redirect", faultCalls: ["topup"], faultAfterProcessing: true });
    const { transferId, reference } = expectOk(await h.send({ phone: SITI, amount: 33_000 }));
    expect(await h.transfer(transferId)).toMatchObject({ status: "processing", topupAnswer: "ambiguous" });
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
    const call = await first(h.db.select().from(gatewayCalls).where(and(eq(gatewayCalls.transferId, transferId), eq(gatewayCalls.call, "topup"))).limit(1));
    expect(call).toMatchObject({ httpStatus: 307, error: expect.stringMatching(/not followed/) });
    h.gateway.setMode({});
    h.advance(5 * second);
    await reconcileDue(h.deps);
    expect((await h.transfer(transferId)).status).toBe("succeeded");
  });
});

describe("Near-duplicates are confirmed by a person", () => {
  beforeEach(async () => {
    h = await createHarness();
  });

  it("a second identical transfer needs the maker's tick for exactly the earlier ones; a forged tick is refused and audited", async () => {
    const first = expectOk(await h.send({ phone: JOHN, amount: 7_000_000 }));
    expect(await h.send({ phone: JOHN, amount: 7_000_000 }, h.manager)).toMatchObject({ ok: false, message: expect.stringContaining(first.reference) });
    const inquiry = await lookUpWallet(h.deps, h.staff.id, { wallet: "DANA", phone: JOHN, amount: 7_000_000 }, { purpose: "transfer" });
    const forged = await createTransfer(h.deps, { actor: h.staff, ip }, { wallet: "DANA", phone: JOHN, amount: 7_000_000, inquiryId: inquiry.id, separateFrom: [first.transferId + 100] });
    expect(forged).toMatchObject({ ok: false, code: "conflict" });
    expect(await auditActions("transfer.duplicate_tick_refused")).toHaveLength(1);
    const before = await transferCount();
    const second = expectOk(await h.send({ phone: JOHN, amount: 7_000_000 }, h.staff, { separate: true }));
    expect(await transferCount()).toBe(before + 1);
    expect((await h.auditOf(second.transferId))[0]).toMatchObject({ action: "transfer.create", after: expect.objectContaining({ separateFrom: [first.transferId] }) });

    // The approver sees the mark and must tick it too.
    expect(await approveTransfer(h.deps, { actor: h.manager, ip }, { transferId: second.transferId })).toMatchObject({ ok: false, message: expect.stringMatching(/tick/) });
    expect(h.topupsAtGateway(second.reference)).toHaveLength(0);
    expectOk(await approveTransfer(h.deps, { actor: h.manager, ip }, { transferId: second.transferId, duplicatesChecked: [first.transferId] }));
    expect(h.topupsAtGateway(second.reference)).toHaveLength(1);
  });

  it("counts only transfers that may move money, within the admin-set window", async () => {
    const failed = expectOk(await h.send({ phone: "628111000004", amount: 10_000 }));
    expect((await h.transfer(failed.transferId)).status).toBe("failed");
    expectOk(await h.send({ phone: "628111000004", amount: 10_000 }));
    expectOk(await h.send({ phone: SITI, amount: 12_000 }));
    h.advance(25 * hour);
    expect(await nearDuplicates(h.db, { wallet: "DANA", phone: SITI, amount: 12_000 }, { around: h.now(), windowHours: (await getLimits(h.db)).nearDuplicateWindowHours })).toHaveLength(0);
    expectOk(await h.send({ phone: SITI, amount: 12_000 }));
  });

  it("flags a batch row that repeats a recent transfer; the approver ticks the flagged rows", async () => {
    const earlier = expectOk(await h.send({ phone: JOHN, amount: 3_000_000 }));
    const id = await checkedBatch(["DANA,6281234567890,3000000", "OVO,628111000001,3000000"]);
    expect((await h.db.select().from(batchRows).where(eq(batchRows.batchId, id))).map((r) => r.nearDuplicateOf)).toEqual([earlier.transferId, null]);
    expect(await submitBatch(h.deps, { actor: h.staff, ip }, { batchId: id })).toMatchObject({ ok: false, message: expect.stringMatching(/recent payment/) });
    expectOk(await submitBatch(h.deps, { actor: h.staff, ip }, { batchId: id, acceptDuplicates: true, duplicatesShown: 1 }));
    expect(await approveBatch(h.deps, { actor: h.manager, ip }, { batchId: id })).toMatchObject({ ok: false, message: expect.stringMatching(/tick/) });
    expect(await approveBatch(h.deps, { actor: h.manager, ip }, { batchId: id, duplicatesChecked: 1 })).toMatchObject({ ok: true, data: { outcome: "approved" } });
  });
});

describe("A look-up made for something else never becomes a single transfer", () => {
  beforeEach(async () => {
    h = await createHarness();
  });

  it("refuses a batch row's look-up and an approval's look-up", async () => {
    const id = await checkedBatch(["DANA,628111000001,10000"]);
    const row = (await first(h.db.select().from(batchRows).where(eq(batchRows.batchId, id)).limit(1)))!;
    const fromRow = await createTransfer(h.deps, { actor: h.staff, ip }, { wallet: "DANA", phone: SITI, amount: 10_000, inquiryId: row.inquiryId! });
    expect(fromRow).toMatchObject({ ok: false, message: "Look up the wallet before sending." });
    expect(await transferCount()).toBe(0);
    // The batch can still be submitted: its row's look-up is its own.
    expectOk(await submitBatch(h.deps, { actor: h.staff, ip }, { batchId: id }));

    // The look-up a manager's approval makes is the manager's own, of that wallet and amount: still not a new transfer.
    const awaiting = expectOk(await h.send({ phone: JOHN, amount: 6_100_000 }));
    expectOk(await approveTransfer(h.deps, { actor: h.manager, ip }, { transferId: awaiting.transferId }));
    const approval = (await first(h.db.select().from(inquiries).where(and(eq(inquiries.userId, h.manager.id), eq(inquiries.phone, JOHN))).limit(1)))!;
    expect(approval.purpose).toBe("approval");
    const before = await transferCount();
    expect(await createTransfer(h.deps, { actor: h.manager, ip }, { wallet: "DANA", phone: JOHN, amount: 6_100_000, inquiryId: approval.id, separateFrom: [awaiting.transferId] })).toMatchObject({
      ok: false,
      message: "Look up the wallet before sending.",
    });
    expect(await transferCount()).toBe(before);
  });
});

describe("Deadlines and limits hold at the last step", () => {
  beforeEach(async () => {
    h = await createHarness();
  });

  it("an approval whose deadline passes during the re-inquiry is refused by the conditional update; nothing is sent", async () => {
    const { transferId, reference } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    h.advance(24 * hour - 5 * second);
    // The look-up at approval takes ten seconds on this clock: the deadline passes while it runs.
    const inquiry = h.deps.gateway.inquiry;
    h.deps.gateway = { ...h.deps.gateway, inquiry: async (...args) => inquiry(...args).finally(() => h.advance(10 * second)) };
    expect(await approveTransfer(h.deps, { actor: h.manager, ip }, { transferId })).toMatchObject({ ok: false, message: expect.stringMatching(/not approved in time/) });
    expect(await h.transfer(transferId)).toMatchObject({ status: "expired", approverId: null });
    expect(h.topupsAtGateway(reference)).toHaveLength(0);
  });

  it("limits lowered after a transfer was submitted are checked again at approval", async () => {
    const { transferId } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    await h.db.insert(settings).values({ key: "maxPerTransfer", value: 5_000_000 });
    expect(await approveTransfer(h.deps, { actor: h.manager, ip }, { transferId })).toMatchObject({ ok: false, code: "forbidden", message: expect.stringMatching(/maximum per transfer/) });
    expect((await h.transfer(transferId)).status).toBe("awaiting_approval");
  });

  it("a batch's stale look-ups are redone by the approver, a changed name is held back until acknowledged, then it is sent", async () => {
    const id = await checkedBatch(["DANA,628111000012,3000000", "DANA,628111000001,3000000"]);
    expectOk(await submitBatch(h.deps, { actor: h.staff, ip }, { batchId: id }));
    h.advance(2 * hour);
    expect(await approveBatch(h.deps, { actor: h.manager, ip }, { batchId: id })).toMatchObject({ ok: true, data: { outcome: "rechecking", rows: 2 } });
    expect(await approveBatch(h.deps, { actor: h.manager, ip }, { batchId: id })).toMatchObject({ ok: false, message: expect.stringMatching(/still being looked up/) });
    await runBatch(h.deps, id);
    const recheck = await h.db.select().from(inquiries).where(eq(inquiries.purpose, "approval"));
    expect(recheck.map((i) => i.userId)).toEqual([h.manager.id, h.manager.id]);
    // Maya Sari's wallet now names "Maya Sari Dewi": held back for the approver.
    const drift = await approveBatch(h.deps, { actor: h.manager, ip }, { batchId: id });
    expect(drift).toMatchObject({ ok: true, data: { outcome: "name_changed", count: 1, rows: [{ line: 2, confirmedName: "Maya Sari", currentName: "Maya Sari Dewi" }] } });
    expect(h.topupsAtGateway()).toHaveLength(0);
    expect(await approveBatch(h.deps, { actor: h.manager, ip }, { batchId: id, acknowledgedDrift: 1 })).toMatchObject({ ok: true, data: { outcome: "approved" } });
    await runBatch(h.deps, id);
    const sent = await h.db.select().from(transfers).where(eq(transfers.batchId, id)).orderBy(transfers.id);
    expect(sent.map((t) => [t.ownerName, t.status])).toEqual([
      ["Maya Sari Dewi", "succeeded"],
      ["Siti Rahayu", "succeeded"],
    ]);
  });

  it("a batch's rows are checked against limits lowered since submit", async () => {
    const id = await checkedBatch(["DANA,628111000001,3000000", "DANA,6281234567890,3000000"]);
    expectOk(await submitBatch(h.deps, { actor: h.staff, ip }, { batchId: id }));
    await h.db.insert(settings).values({ key: "dailyTotalPerMaker", value: 5_000_000 });
    expect(await approveBatch(h.deps, { actor: h.manager, ip }, { batchId: id })).toMatchObject({ ok: false, code: "forbidden", message: expect.stringMatching(/daily total/) });
  });
});

describe("Old unsent transfers are not sent blindly", () => {
  beforeEach(async () => {
    h = await createHarness();
  });

  it("an approval a crash left unsent for more than 15 minutes goes back to the queue with a fresh look-up", async () => {
    const { transferId, reference } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    await h.db.update(transfers).set({ status: "approved", approverId: h.manager.id, decidedAt: h.now(), updatedAt: h.now() }).where(eq(transfers.id, transferId));
    h.advance(sendUnsentWithinMs + minute);
    expect(await reconcileDue(h.deps)).toMatchObject({ resent: 0, requeued: 1 });
    expect(await h.transfer(transferId)).toMatchObject({ status: "awaiting_approval", approverId: null, queuedAt: h.now(), lastMessage: expect.stringMatching(/not sent within 15 minutes/) });
    expect(h.topupsAtGateway(reference)).toHaveLength(0);
    const requeueLookUp = await first(h.db.select().from(inquiries).where(eq(inquiries.purpose, "requeue")).limit(1));
    expect(requeueLookUp).toMatchObject({ userId: h.staff.id, ownerName: "John" });
    // Its approval window starts again: 23 hours later it can still be approved, and is sent once.
    h.advance(23 * hour);
    expectOk(await approveTransfer(h.deps, { actor: h.manager2, ip }, { transferId }));
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
  });

  it("a batch whose sending stopped more than 15 minutes ago is paused until its approver confirms", async () => {
    const id = await checkedBatch(Array.from({ length: 4 }, (_, i) => `DANA,6281210000${i},2000000`));
    expectOk(await submitBatch(h.deps, { actor: h.staff, ip }, { batchId: id }));
    expectOk(await approveBatch(h.deps, { actor: h.manager, ip }, { batchId: id }));
    // The runner died at once: its lease lapsed long ago, nothing was sent.
    await h.db.update(batches).set({ leaseUntil: h.now() }).where(eq(batches.id, id));
    h.advance(20 * minute);
    expect(await stalledBatches(h.db, h.now())).toEqual([]);
    expect(await first(h.db.select().from(batches).where(eq(batches.id, id)).limit(1))).toMatchObject({ status: "sending", pausedAt: h.now() });
    expect(await runBatch(h.deps, id)).toBe(false);
    expect(h.topupsAtGateway()).toHaveLength(0);
    expect(await confirmResume(h.deps, { actor: h.staff, ip }, { batchId: id })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await confirmResume(h.deps, { actor: h.manager, ip }, { batchId: id })).toMatchObject({ ok: true, data: { notSent: 4 } });
    expect(await runBatch(h.deps, id)).toBe(true);
    expect(h.topupsAtGateway()).toHaveLength(4);
  });

  it("a batch stopped only briefly is resumed without asking", async () => {
    const id = await checkedBatch(["DANA,628121000001,2000000"]);
    expectOk(await submitBatch(h.deps, { actor: h.staff, ip }, { batchId: id }));
    await h.db.update(batches).set({ leaseUntil: h.now() }).where(eq(batches.id, id));
    h.advance(5 * minute);
    expect(await stalledBatches(h.db, h.now())).toEqual([id]);
  });
});

describe("Bounded settings: the grace period is at least 3 × CASHIN_TIMEOUT_MS + 1 minute", () => {
  it("the limits form and the server refuse a shorter grace period, and the reconciler never uses one", async () => {
    expect(minGraceMinutes(15_000)).toBe(2);
    expect(minGraceMinutes(60_000)).toBe(4);
    const limits = { approvalThreshold: "5000000", maxPerTransfer: "25000000", dailyTotalPerMaker: "100000000", approvalWindowHours: "24", nearDuplicateWindowHours: "24", lookUpsPerHour: "120", batchRowsPerDay: "20.000" };
    expect(limitsSchemaFor(60_000).safeParse({ ...limits, notFoundGraceMinutes: "3" }).error?.issues[0]?.message).toMatch(/At least 4 minutes: 3 × the Cash In timeout/);
    expect(limitsSchemaFor(60_000).safeParse({ ...limits, notFoundGraceMinutes: "4" }).success).toBe(true);
    // A grace stored before CASHIN_TIMEOUT_MS was raised is stretched to the bound.
    expect(effectiveGraceMs({ notFoundGraceMinutes: 1 }, 60_000)).toBe(4 * minute);
  });

  it("the environment refuses a timeout whose grace period could not fit 24 hours", () => {
    const env = { AUTH_SECRET: "x".repeat(32), CASHIN_TIMEOUT_MS: String(10 * 60 * 60_000) };
    const result = parseEnv(env, envSchema);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join()).toMatch(/CASHIN_TIMEOUT_MS must be at most .*grace period/);
  });
});
