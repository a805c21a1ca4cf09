import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { auditEntries, batchRows, batches, inquiries, mails, settings, transfers } from "@/db/schema";
import { deliverDue } from "@/lib/notifications/mailer";
import { approveBatch, cancelBatch, expireOverdueBatches } from "@/lib/batches/decide";
import { parseBatchCsv } from "@/lib/batches/parse";
import { createBatch } from "@/lib/batches/rows";
import { runBatch, stalledBatches } from "@/lib/batches/runner";
import { submitBatchSchema } from "@/lib/batches/schemas";
import { sendAtFromText } from "@/lib/batches/send-at";
import { submitBatch } from "@/lib/batches/submit";
import { reconcileOnce } from "@/lib/jobs";
import { jakartaDate } from "@/lib/jakarta";
import { reconcileDue } from "@/lib/transfers/reconcile";
import { dashboardSummary, listTransfers } from "@/lib/transfers/history";
import { parseHistoryFilters } from "@/lib/transfers/history-filters";
import { scheduledToday } from "@/lib/batches/queries";
import type { TransferDeps } from "@/lib/transfers/deps";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/**
 * Issue 17, scheduled batches (docs/batches.md#scheduled-batches): approved before, sent at its time and not before,
 * with the look-ups redone and the limits checked at the time; its maker cancels it until then; a restart before the
 * time changes nothing; a time in the past, more than 30 days ahead, or malformed is refused and nothing is saved.
 */

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
let h: Harness;
const ip = "203.0.113.9";

beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const staffCtx = () => ({ actor: h.staff, ip });
const batchOf = async (id: number) => (await first(h.db.select().from(batches).where(eq(batches.id, id)).limit(1)))!;
const transfersOf = (id: number) => h.db.select().from(transfers).where(eq(transfers.batchId, id)).orderBy(transfers.id);
const run = (id: number, deps: TransferDeps = h.deps) => runBatch(deps, id, { backoffMs: 5 });
const topups = () => h.topupsAtGateway().length;

async function setLimit(key: string, value: number) {
  await h.db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } });
}

/** A checked batch of two rows; 3.000.000 each (6.000.000 in all) needs one manager at the default tiers. */
async function checkedBatch(amount = 3_000_000) {
  const parsed = parseBatchCsv(["wallet,phone,amount,note", `DANA,6281200000001,${amount},`, `OVO,6281200000002,${amount},`].join("\n"));
  if (!parsed.ok) throw new Error(parsed.message);
  const id = expectOk(await createBatch(h.deps, staffCtx(), { fileName: "payroll.csv", rows: parsed.rows })).batchId;
  await run(id);
  expect((await batchOf(id)).status).toBe("ready");
  return id;
}

/** Submitted with "Send on" `inMs` from now, then approved by one manager: scheduled. */
async function scheduledBatch(inMs: number) {
  const id = await checkedBatch();
  const sendAt = new Date(h.now().getTime() + inMs);
  expect(expectOk(await submitBatch(h.deps, staffCtx(), { batchId: id, sendAt })).status).toBe("awaiting_approval");
  expect(expectOk(await approveBatch(h.deps, { actor: h.manager, ip }, { batchId: id })).outcome).toBe("approved");
  expect(await batchOf(id)).toMatchObject({ status: "scheduled", sendAt });
  expect((await transfersOf(id)).map((t) => t.status)).toEqual(["approved", "approved"]);
  return id;
}

async function topupsPerTransfer(id: number) {
  return (await transfersOf(id)).map((t) => h.topupsAtGateway(t.reference).length);
}

describe("a scheduled batch", () => {
  it("is sent at its time with the controlled clock, not before, each row once", async () => {
    const id = await scheduledBatch(2 * hour);
    // The approval tells the maker, as today.
    expect(await run(id)).toBe(false);
    expect(await stalledBatches(h.db, h.now())).toEqual([]);
    h.advance(2 * hour - minute);
    expect(await run(id)).toBe(false);
    expect(await stalledBatches(h.db, h.now())).toEqual([]);
    expect(topups()).toBe(0);
    expect((await batchOf(id)).status).toBe("scheduled");

    h.advance(minute);
    const lookUpsBefore = (await h.db.select().from(inquiries)).length;
    expect(await stalledBatches(h.db, h.now())).toEqual([id]);
    expect(await run(id)).toBe(true);
    expect((await batchOf(id)).status).toBe("sent");
    expect(await topupsPerTransfer(id)).toEqual([1, 1]);
    // The look-ups (two hours old) were redone at the time, as its approver.
    const redone = (await h.db.select().from(inquiries)).slice(lookUpsBefore);
    expect(redone.map((i) => [i.userId, i.purpose])).toEqual([
      [h.manager.id, "approval"],
      [h.manager.id, "approval"],
    ]);
    const actions = (await h.db.select().from(auditEntries)).filter((e) => e.targetType === "batch" && e.targetId === String(id)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["batch.scheduled", "batch.recheck", "batch.sending", "batch.sent"]));

    h.advance(minute);
    await run(id);
    expect(await topupsPerTransfer(id)).toEqual([1, 1]);
  });

  it("its maker's approval mail says when it will be sent, not that it is being sent", async () => {
    const id = await scheduledBatch(2 * hour);
    expect(await deliverDue({ db: h.db, now: h.now, transport: null, appUrl: "https://payouts.example.co.id" })).toMatchObject({ held: 1 });
    const mail = (await first(h.db.select().from(mails).where(eq(mails.userId, h.staff.id)).limit(1)))!;
    // The staff member never chose a language: Indonesian, the default.
    expect(mail.text).toContain(`${(await batchOf(id)).reference} (payroll.csv): 2 baris`);
    expect(mail.text).toMatch(/dijadwalkan dikirim pada \d+ \w+ \d{4} \d{2}\.\d{2} WIB/);
    expect(mail.text).not.toContain("sedang dikirim");
  });

  it("below the approval threshold is scheduled at submit, without a manager, and sent at its time", async () => {
    const id = await checkedBatch(100_000);
    const sendAt = new Date(h.now().getTime() + 30 * minute);
    const submitted = await submitBatch(h.deps, staffCtx(), { batchId: id, sendAt });
    expect(expectOk(submitted).status).toBe("scheduled");
    expect(submitted.message).toMatch(/sent on/);
    await run(id);
    expect(topups()).toBe(0);
    h.advance(30 * minute);
    await run(id);
    expect((await batchOf(id)).status).toBe("sent");
    expect(await topupsPerTransfer(id)).toEqual([1, 1]);
  });

  it("after a restart before its time, is sent once at the time by a fresh runner", async () => {
    const id = await scheduledBatch(3 * hour);
    // A new process: nothing in memory, only the database (new deps object, the same database and clock).
    const restarted = (): TransferDeps => ({ ...h.deps });
    h.advance(hour);
    expect(await reconcileOnce(restarted(), { batchConcurrency: 4 })).toMatchObject({ resumedBatches: 0 });
    expect(topups()).toBe(0);
    h.advance(2 * hour);
    expect(await reconcileOnce(restarted(), { batchConcurrency: 4 })).toMatchObject({ resumedBatches: 1 });
    expect((await batchOf(id)).status).toBe("sent");
    expect(await topupsPerTransfer(id)).toEqual([1, 1]);
    // The next pass sends nothing more.
    h.advance(minute);
    expect(await reconcileOnce(restarted(), { batchConcurrency: 4 })).toMatchObject({ resumedBatches: 0 });
    expect(await topupsPerTransfer(id)).toEqual([1, 1]);
  });

  it("days ahead: its approved rows are neither re-queued (rule 14) nor expired while it waits", async () => {
    const id = await scheduledBatch(3 * day);
    for (let i = 0; i < 3; i++) {
      h.advance(day - minute);
      await reconcileDue(h.deps);
      expect(await expireOverdueBatches(h.deps)).toBe(0);
      expect((await batchOf(id)).status).toBe("scheduled");
      expect((await transfersOf(id)).map((t) => t.status)).toEqual(["approved", "approved"]);
    }
    expect(topups()).toBe(0);
    h.advance(3 * minute);
    await run(id);
    expect(await topupsPerTransfer(id)).toEqual([1, 1]);
  });

  it("is canceled by its maker before its time: its rows are canceled and nothing is sent", async () => {
    const id = await scheduledBatch(hour);
    expect(await cancelBatch(h.deps, { actor: h.manager, ip }, { batchId: id })).toMatchObject({ ok: false, code: "forbidden" });
    h.advance(hour - minute);
    expectOk(await cancelBatch(h.deps, staffCtx(), { batchId: id }));
    expect((await batchOf(id)).status).toBe("canceled");
    expect((await transfersOf(id)).map((t) => t.status)).toEqual(["canceled", "canceled"]);
    h.advance(2 * minute);
    expect(await run(id)).toBe(false);
    expect(topups()).toBe(0);
  });

  it("refuses its maker's cancel once its time has come, saying it is being sent, and sends it", async () => {
    const id = await scheduledBatch(hour);
    h.advance(hour);
    const refused = await cancelBatch(h.deps, staffCtx(), { batchId: id });
    expect(refused).toMatchObject({ ok: false, code: "conflict", message: expect.stringMatching(/is being sent and can no longer be canceled/) });
    expect((await batchOf(id)).status).toBe("scheduled");
    await run(id);
    expect((await batchOf(id)).status).toBe("sent");
    expect(await topupsPerTransfer(id)).toEqual([1, 1]);
  });

  it("checks the limits again at its time: lowered meanwhile, nothing is sent and the reason is kept", async () => {
    const id = await scheduledBatch(hour);
    await setLimit("maxPerTransfer", 2_000_000);
    await setLimit("approvalThreshold", 1_000_000);
    h.advance(hour);
    await run(id);
    expect(topups()).toBe(0);
    expect((await batchOf(id)).status).toBe("canceled");
    expect((await batchOf(id)).reason).toMatch(/^Not sent at its scheduled time: .*maximum per transfer/i);
    expect((await transfersOf(id)).map((t) => t.status)).toEqual(["canceled", "canceled"]);
  });

  it("picked up long after its time (the app was down), is paused for a person's confirmation instead of sent", async () => {
    const id = await scheduledBatch(hour);
    h.advance(hour + 20 * minute);
    await run(id);
    expect(await batchOf(id)).toMatchObject({ status: "sending" });
    expect((await batchOf(id)).pausedAt).not.toBeNull();
    expect(topups()).toBe(0);
  });

  it("approved after its time is sent at once", async () => {
    const id = await checkedBatch();
    expectOk(await submitBatch(h.deps, staffCtx(), { batchId: id, sendAt: new Date(h.now().getTime() + 10 * minute) }));
    h.advance(11 * minute);
    expectOk(await approveBatch(h.deps, { actor: h.manager, ip }, { batchId: id }));
    expect((await batchOf(id)).status).toBe("sending");
  });
});

describe("a schedule that cannot be", () => {
  async function refusedAt(sendAt: Date) {
    const id = await checkedBatch();
    const result = await submitBatch(h.deps, staffCtx(), { batchId: id, sendAt });
    // Nothing saved: still ready, no transfer, no time.
    expect(await batchOf(id)).toMatchObject({ status: "ready", sendAt: null, submittedAt: null });
    expect(await transfersOf(id)).toEqual([]);
    return result;
  }

  it("in the past is refused under the field, with nothing saved", async () => {
    const result = await refusedAt(new Date(h.now().getTime() - 2 * minute));
    expect(result).toMatchObject({ ok: false, code: "invalid", message: expect.stringMatching(/That time has passed/) });
    expect(!result.ok && result.fieldErrors?.sendOn).toEqual([expect.stringMatching(/That time has passed/)]);
  });

  it("more than 30 days ahead is refused, with nothing saved", async () => {
    const result = await refusedAt(new Date(h.now().getTime() + 30 * day + minute));
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/at most 30 days ahead/) });
  });

  it("within the minute of slack (typed for now) is accepted, and exactly 30 days ahead too", async () => {
    const id = await checkedBatch(100_000);
    expect(expectOk(await submitBatch(h.deps, staffCtx(), { batchId: id, sendAt: new Date(h.now().getTime() - 30_000) })).status).toBe("scheduled");
    const later = await checkedBatch(100_000);
    expect(expectOk(await submitBatch(h.deps, staffCtx(), { batchId: later, acceptDuplicates: true, sendAt: new Date(h.now().getTime() + 30 * day) })).status).toBe("scheduled");
  });

  it("malformed (a day that does not exist, a time past 23:59, half of it) is refused by the form's schema", () => {
    const parse = (sendOn: string, sendTime: string) => submitBatchSchema.safeParse({ batchId: 1, sendOn, sendTime });
    const fields = (r: ReturnType<typeof parse>) => (r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [i.path.join("."), i.message])));
    expect(fields(parse("31/02/2026", "09:00"))).toEqual({ sendOn: expect.stringMatching(/dd\/mm\/yyyy/) });
    expect(fields(parse("03/12/2026", "24:00"))).toEqual({ sendTime: expect.stringMatching(/HH:MM/) });
    expect(fields(parse("03/12/2026", "9 pagi"))).toEqual({ sendTime: expect.stringMatching(/HH:MM/) });
    expect(fields(parse("03/12/2026", ""))).toEqual({ sendTime: expect.stringMatching(/Enter the time/) });
    expect(fields(parse("", "09.00"))).toEqual({ sendOn: expect.stringMatching(/Enter the day/) });
    // Neither: sent as soon as allowed.
    expect(parse("", "")).toMatchObject({ success: true, data: { sendAt: undefined } });
    // WIB is UTC+7: 03/12/2026 09.00 WIB is 02:00 UTC; Indonesian 09.00, English 09:00 and 0900 alike.
    for (const time of ["09.00", "09:00", "0900", "9.00"]) expect(parse("03/12/2026", time)).toMatchObject({ success: true, data: { sendAt: new Date("2026-12-03T02:00:00Z") } });
    expect(sendAtFromText("3-12-2026", "23.59")).toEqual({ at: new Date("2026-12-03T16:59:00Z") });
    expect(jakartaDate(new Date("2026-12-03T16:59:00Z"))).toBe("2026-12-03");
  });
});

describe("rows of a scheduled batch", () => {
  it("are listed by the history's Scheduled filter, and the batch by the overview's Scheduled today, until sent", async () => {
    const id = await scheduledBatch(minute);
    const sendAt = (await batchOf(id)).sendAt!;
    expect((await listTransfers(h.db, parseHistoryFilters({ scheduled: "1" }))).rows.map((r) => r.id)).toEqual((await transfersOf(id)).map((t) => t.id).reverse());
    expect(await scheduledToday(h.db, sendAt)).toEqual({ count: 1, total: 6_000_000 });
    expect(await scheduledToday(h.db, new Date(sendAt.getTime() + day))).toEqual({ count: 0, total: 0 });
    // Not "Sent today" (succeeded or on their way) before their time.
    const approvedToday = async () => (await dashboardSummary(h.db, h.now())).today.byStatus.find((s) => s.status === "approved")!;
    expect(await approvedToday()).toMatchObject({ count: 0, total: 0 });
    h.advance(minute);
    await run(id);
    expect((await listTransfers(h.db, parseHistoryFilters({ scheduled: "1" }))).rows).toEqual([]);
    expect(await scheduledToday(h.db, sendAt)).toEqual({ count: 0, total: 0 });
  });

  it("keep their look-up until the time: the batch page's rows stay ok", async () => {
    const id = await scheduledBatch(hour);
    expect((await h.db.select().from(batchRows).where(eq(batchRows.batchId, id))).map((r) => r.state)).toEqual(["ok", "ok"]);
  });
});
