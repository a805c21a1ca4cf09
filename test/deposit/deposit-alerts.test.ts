import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { auditEntries, batchRows, batches, mails, notifications, sendingPauses, transfers, users } from "@/db/schema";
import { parseBatchCsv } from "@/lib/batches/parse";
import { createBatch } from "@/lib/batches/rows";
import { runBatch, stalledBatches } from "@/lib/batches/runner";
import { submitBatch } from "@/lib/batches/submit";
import { verifyAuditChain } from "@/lib/audit/verify";
import { badgesFor } from "@/lib/notifications/badges";
import { deliverDue } from "@/lib/notifications/mailer";
import { depositAlertsOn, isSendingPaused, openPause, pauseOnDepositAlert, resumeSending, setDepositAlerts } from "@/lib/sending/pause";
import { approveTransfer } from "@/lib/transfers/approvals";
import { reconcileDue } from "@/lib/transfers/reconcile";
import { mailKindsFor } from "@/lib/users/mail-preferences";
import { insertUser } from "../db";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/**
 * docs/deposit-alerts.md (issue 17, deposit alerts): Cash In's 4033814 (the merchant's deposit is too low) pauses all
 * sending until an admin resumes it. The mock's wallet 628111000004 (Dewi Lestari) answers exactly that to every top-up.
 * Requests are counted at the mock: what Cash In saw is the only proof of what was sent.
 */

const ip = "203.0.113.17";
const dewi = "628111000004";
let h: Harness;

beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const csv = (rows: string[]) => ["wallet,phone,amount,note", ...rows].join("\n");
const batchOf = async (id: number) => (await first(h.db.select().from(batches).where(eq(batches.id, id)).limit(1)))!;
const rowTransfers = async (id: number) =>
  (
    await h.db
      .select({ line: batchRows.line, transfer: transfers })
      .from(batchRows)
      .innerJoin(transfers, eq(transfers.id, batchRows.transferId))
      .where(eq(batchRows.batchId, id))
      .orderBy(batchRows.line)
  ).map((r) => r.transfer);
const topupsOf = (reference: string) => h.topupsAtGateway(reference).length;
const audits = async (action: string) => await h.db.select().from(auditEntries).where(eq(auditEntries.action, action));

/** A batch sent at once (below the approval threshold), its third row Dewi's: checked, submitted, not yet sent. */
async function batchWithDewiThird(): Promise<number> {
  const parsed = parseBatchCsv(
    csv([
      "DANA,6281200000001,10000,one",
      "OVO,6281200000002,11000,two",
      `ShopeePay,${dewi},12000,Dewi`,
      "DANA,6281200000004,13000,four",
      "GoPay,6281200000005,14000,five",
    ]),
  );
  if (!parsed.ok) throw new Error(parsed.message);
  const id = expectOk(await createBatch(h.deps, { actor: h.staff, ip }, { fileName: "june.csv", rows: parsed.rows })).batchId;
  await runBatch(h.deps, id, { backoffMs: 5 });
  expect((await batchOf(id)).status).toBe("ready");
  expect(expectOk(await submitBatch(h.deps, { actor: h.staff, ip }, { batchId: id })).status).toBe("sending");
  return id;
}

/** Sends one batch's approved rows one at a time, as a batch runner does (concurrency 1: the row after Dewi's is next in line). */
const send = (id: number) => runBatch(h.deps, id, { backoffMs: 5, concurrency: 1 });

describe("a deposit too low pauses sending (docs/deposit-alerts.md)", () => {
  it("a batch whose third row is refused for a low deposit stops after that row; nothing more leaves until an admin resumes, and then only the remaining rows, once each", async () => {
    const id = await batchWithDewiThird();
    await send(id);

    const [one, two, refused, four, five] = await rowTransfers(id);
    // Cash In saw the two rows before Dewi's and Dewi's, one top-up each, and nothing after.
    expect([one, two, refused, four, five].map((t) => topupsOf(t!.reference))).toEqual([1, 1, 1, 0, 0]);
    expect(h.topupsAtGateway()).toHaveLength(3);
    expect(refused!.status).toBe("failed");
    expect(refused!.lastCode).toBe("4033814");
    expect([four!.status, five!.status]).toEqual(["approved", "approved"]);
    expect((await batchOf(id)).status).toBe("sending");

    // The pause, opened with the refusal, names the refused transfer; audited by the system.
    const pause = (await openPause(h.db))!;
    expect(pause).toMatchObject({ transferId: refused!.id, reference: refused!.reference, code: "4033814", resumedAt: null });
    expect(await audits("sending.paused")).toEqual([expect.objectContaining({ actorId: null, targetId: String(pause.id), after: expect.objectContaining({ reference: refused!.reference }) })]);

    // Nothing leaves while paused: the runner again, the reconciler's restart of stalled batches, its send of approvals.
    await send(id);
    h.advance(60_000);
    expect(await stalledBatches(h.db, h.now())).toEqual([]);
    await reconcileDue(h.deps);
    expect(h.topupsAtGateway()).toHaveLength(3);

    // An admin resumes (audited); a second click finds it resumed.
    expect((await resumeSending({ db: h.db, actor: h.admin, ip }, { pauseId: pause.id }, h.now())).ok).toBe(true);
    expect(await resumeSending({ db: h.db, actor: h.admin, ip }, { pauseId: pause.id }, h.now())).toMatchObject({ ok: false, code: "conflict" });
    expect(await audits("sending.resumed")).toEqual([expect.objectContaining({ actorId: h.admin.id, targetId: String(pause.id) })]);
    expect(await isSendingPaused(h.db)).toBe(false);

    // The reconciler's next pass restarts the batch (the wait does not count as a stop needing confirmation); it sends
    // the remaining rows, once each, and Dewi's refused row is not sent again.
    expect(await stalledBatches(h.db, h.now())).toEqual([id]);
    await send(id);
    const after = await rowTransfers(id);
    expect(after.map((t) => topupsOf(t.reference))).toEqual([1, 1, 1, 1, 1]);
    expect(after.map((t) => t.status)).toEqual(["succeeded", "succeeded", "failed", "succeeded", "succeeded"]);
    expect((await batchOf(id)).status).toBe("sent");
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });

  it("a single transfer approved while paused stays approved and is not sent; after the resume the reconciler sends it once", async () => {
    // Dewi's own transfer pauses sending.
    const refused = expectOk(await h.send({ wallet: "SHOPEEPAY", phone: dewi, amount: 10_000 }));
    expect(refused.status).toBe("failed");
    expect(await isSendingPaused(h.db)).toBe(true);

    // Made and approved during the pause: created and approved, not sent, not failed; the approver is told why.
    const waiting = expectOk(await h.send({ phone: "628111000001", amount: 7_500_000 }));
    expect(waiting.status).toBe("awaiting_approval");
    const approved = await approveTransfer(h.deps, { actor: h.manager, ip }, { transferId: waiting.transferId });
    expect(approved).toMatchObject({ ok: true, data: { status: "approved" }, message: expect.stringMatching(/sending is paused/) });
    expect((await h.transfer(waiting.transferId)).status).toBe("approved");
    // Below the threshold, created during the pause: approved at once, not sent either.
    const smallResult = await h.send({ phone: "6281200000077", amount: 20_000 });
    // The maker is told it waits, not that it was sent.
    expect(smallResult).toMatchObject({ ok: true, message: expect.stringMatching(/not sent yet: sending is paused/) });
    const small = expectOk(smallResult);
    expect(small.status).toBe("approved");
    h.advance(30_000);
    await reconcileDue(h.deps);
    expect(topupsOf((await h.transfer(waiting.transferId)).reference)).toBe(0);
    expect(topupsOf(small.reference)).toBe(0);

    expectOk(await resumeSending({ db: h.db, actor: h.admin, ip }, { pauseId: (await openPause(h.db))!.id }, h.now()));
    await reconcileDue(h.deps);
    expect((await h.transfer(waiting.transferId)).status).toBe("succeeded");
    expect((await h.transfer(small.transferId)).status).toBe("succeeded");
    expect([topupsOf((await h.transfer(waiting.transferId)).reference), topupsOf(small.reference)]).toEqual([1, 1]);
    // The refused one stays failed, sent once: a resume retries nothing.
    expect((await h.transfer(refused.transferId)).status).toBe("failed");
    expect(topupsOf(refused.reference)).toBe(1);
  });

  it("tells every active admin once: one outbox row each, the Needs attention badge, the banner state for everyone, a mail in the admin's language", async () => {
    const admin2 = await insertUser(h.db, { name: "Dian", email: "admin2@x.test", role: "admin" });
    await insertUser(h.db, { name: "Former", email: "admin3@x.test", role: "admin", active: false });
    await h.db.update(users).set({ locale: "en" }).where(eq(users.id, h.admin.id));

    expect(await badgesFor(h.db, h.admin)).toMatchObject({ attention: { count: 0 }, sending: { paused: false } });
    const refused = expectOk(await h.send({ wallet: "SHOPEEPAY", phone: dewi, amount: 10_000 }));
    // A second refusal while paused opens no second pause and tells nobody again.
    expectOk(await h.send({ wallet: "SHOPEEPAY", phone: dewi, amount: 10_001 }, h.staff, { separate: true }));
    expect(await h.db.select().from(sendingPauses)).toHaveLength(1);

    const pause = (await openPause(h.db))!;
    const told = await h.db.select().from(notifications).where(eq(notifications.kind, "deposit"));
    expect(told.map((n) => [n.userId, n.event, n.subjectType, n.subjectId]).sort()).toEqual(
      [
        [h.admin.id, "sending.paused", "pause", pause.id],
        [admin2.id, "sending.paused", "pause", pause.id],
      ].sort(),
    );
    expect(await badgesFor(h.db, h.admin)).toMatchObject({ attention: { count: 1 }, sending: { paused: true, pauseId: pause.id, since: pause.startedAt.getTime() } });
    expect(await badgesFor(h.db, h.staff)).toEqual({ sending: { paused: true, pauseId: pause.id, since: pause.startedAt.getTime() } });
    expect((await badgesFor(h.db, h.manager)).sending).toMatchObject({ paused: true });

    // The second admin turned this mail off: skipped. The first gets it, in English, linking to the Sending page.
    await h.db.update(users).set({ mailOff: ["deposit"] }).where(eq(users.id, admin2.id));
    await deliverDue({ db: h.db, now: h.now, transport: null, appUrl: "https://payouts.example.co.id" });
    const sent = await h.db.select().from(mails).where(eq(mails.kind, "deposit"));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ userId: h.admin.id, kind: "deposit", subject: "Sending paused: Cash In reports the deposit is too low" });
    expect(sent[0]!.text).toContain(`Cash In refused ${refused.reference}`);
    expect(sent[0]!.text).toContain("https://payouts.example.co.id/admin/sending");
    expect((await first(h.db.select().from(notifications).where(eq(notifications.userId, admin2.id)).limit(1)))!.state).toBe("skipped");

    // Only admins have the switch.
    expect(mailKindsFor("admin")).toContain("deposit");
    expect(mailKindsFor("manager")).not.toContain("deposit");
    expect(mailKindsFor("staff")).not.toContain("deposit");
  });

  it("an alert whose pause ended before its mail went is dropped, not mailed", async () => {
    await h.db.update(users).set({ locale: "id" });
    expectOk(await h.send({ wallet: "SHOPEEPAY", phone: dewi, amount: 10_000 }));
    expectOk(await resumeSending({ db: h.db, actor: h.admin, ip }, { pauseId: (await openPause(h.db))!.id }, h.now()));
    await deliverDue({ db: h.db, now: h.now, transport: null, appUrl: "https://payouts.example.co.id" });
    expect(await h.db.select().from(mails).where(eq(mails.kind, "deposit"))).toHaveLength(0);
    expect((await first(h.db.select().from(notifications).where(eq(notifications.kind, "deposit")).limit(1)))!.state).toBe("dropped");
  });

  it("with deposit alerts turned off (audited), a low deposit only fails its transfer: nothing pauses and the batch goes on", async () => {
    expect(await depositAlertsOn(h.db)).toBe(true);
    expectOk(await setDepositAlerts({ db: h.db, actor: h.admin, ip }, { on: false }));
    expect(await audits("policy.deposit_alerts")).toEqual([expect.objectContaining({ actorId: h.admin.id, before: { on: true }, after: { on: false } })]);
    const id = await batchWithDewiThird();
    await send(id);
    expect(await isSendingPaused(h.db)).toBe(false);
    expect((await rowTransfers(id)).map((t) => t.status)).toEqual(["succeeded", "succeeded", "failed", "succeeded", "succeeded"]);
    expect(h.topupsAtGateway()).toHaveLength(5);
    expect(await h.db.select().from(notifications).where(eq(notifications.kind, "deposit"))).toHaveLength(0);
  });

  it("one pause at a time, whatever races: the conditional insert opens it once", async () => {
    expectOk(await setDepositAlerts({ db: h.db, actor: h.admin, ip }, { on: false }));
    const refused = expectOk(await h.send({ wallet: "SHOPEEPAY", phone: dewi, amount: 10_000 }));
    expectOk(await setDepositAlerts({ db: h.db, actor: h.admin, ip }, { on: true }));
    const transfer = { transferId: refused.transferId, reference: refused.reference, code: "4033814", at: h.now() };
    const opened = await h.db.transaction(async (tx) => [await pauseOnDepositAlert(tx, transfer), await pauseOnDepositAlert(tx, transfer)]);
    expect(opened).toEqual([true, false]);
    expect(await h.db.select().from(sendingPauses)).toHaveLength(1);
  });
});
