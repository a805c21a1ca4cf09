import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { auditEntries, batchRows, batches, users } from "@/db/schema";
import { approveBatch, rejectBatch } from "@/lib/batches/decide";
import { parseBatchCsv } from "@/lib/batches/parse";
import { createBatch, editRow } from "@/lib/batches/rows";
import { runBatch } from "@/lib/batches/runner";
import { submitBatch } from "@/lib/batches/submit";
import { uploadBatchFile } from "@/lib/batches/upload";
import { getLimits, updateLimits } from "@/lib/transfers/settings";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/**
 * Batches under the rules of issue 13: a manager an admin just made or re-keyed does not decide on a batch
 * (docs/roles.md#two-people-not-two-accounts), and one person's batch rows are limited per 24 hours
 * (docs/limits.md#batch-rows-per-person-per-24-hours), because owner names are personal data.
 */

const minute = 60_000;
const hour = 60 * minute;
const ip = "203.0.113.31";
let h: Harness;

beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const csv = (rows: number, phone = (i: number) => `62812000${String(i).padStart(5, "0")}`) =>
  ["wallet,phone,amount,note", ...Array.from({ length: rows }, (_, i) => `DANA,${phone(i)},${10_000 + i},`)].join("\n");

function upload(text: string, maker = h.staff) {
  const parsed = parseBatchCsv(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return createBatch(h.deps, { actor: maker, ip }, { fileName: "payroll.csv", rows: parsed.rows });
}

const audited = (action: string) => h.db.select().from(auditEntries).where(eq(auditEntries.action, action));
const batchCount = async () => (await h.db.select().from(batches)).length;
const inquiriesAtGateway = () => h.gateway.requests().filter((r) => r.call === "inquiry").length;
const setLimits = async (changes: Partial<Awaited<ReturnType<typeof getLimits>>>) => expectOk(await updateLimits({ db: h.db, actor: h.admin, ip }, { ...(await getLimits(h.db)), ...changes }));

describe("A manager on approval hold does not decide on a batch", () => {
  async function awaitingBatch() {
    const { batchId } = expectOk(await upload(["wallet,phone,amount,note", "DANA,6281234567890,3000000,", "OVO,628111000001,2000000,"].join("\n")));
    await runBatch(h.deps, batchId, { backoffMs: 5 });
    expect(expectOk(await submitBatch(h.deps, { actor: h.staff, ip }, { batchId })).status).toBe("awaiting_approval");
    return batchId;
  }

  it("refuses approving and rejecting, audited, with nothing re-checked or sent; another manager decides", async () => {
    const batchId = await awaitingBatch();
    await h.db.update(users).set({ approvalHoldUntil: new Date(h.now().getTime() + 20 * hour) }).where(eq(users.id, h.manager.id));
    const looked = inquiriesAtGateway();
    h.advance(20 * minute); // every look-up is stale: an approval would start a re-check in the approver's name

    const refused = await approveBatch(h.deps, { actor: h.manager, ip }, { batchId });
    expect(refused).toMatchObject({ ok: false, code: "forbidden", message: expect.stringMatching(/two-person rule you can approve from \d\d:\d\d WIB/) });
    expect(await rejectBatch(h.deps, { actor: h.manager, ip }, { batchId, reason: "no" })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await first(h.db.select().from(batches).where(eq(batches.id, batchId)).limit(1))).toMatchObject({ status: "awaiting_approval", recheckRequestedAt: null, approverId: null });
    expect(inquiriesAtGateway()).toBe(looked);
    expect((await audited("batch.approval_hold_refused")).map((e) => [e.actorId, e.targetId, (e.after as { decision: string }).decision])).toEqual([
      [h.manager.id, String(batchId), "approve"],
      [h.manager.id, String(batchId), "reject"],
    ]);

    expectOk(await rejectBatch(h.deps, { actor: h.manager2, ip }, { batchId, reason: "wrong file" }));
    expect(h.topupsAtGateway()).toHaveLength(0);
  });
});

describe("Batch rows per person per 24 hours", () => {
  it("allows exactly the limit, refuses one row over with how many remain, before any look-up; audited", async () => {
    await setLimits({ batchRowsPerDay: 5 });
    expectOk(await upload(csv(3)));
    const before = { batches: await batchCount(), inquiries: inquiriesAtGateway() };

    const refused = await upload(csv(3));
    expect(refused).toMatchObject({
      ok: false,
      code: "forbidden",
      message: expect.stringMatching(/^This file has 3 rows, but only 2 more batch rows remain for you now: .* at most 5 batch rows in any 24 hours .* you have used 3\. Upload a smaller file, or this one from \d\d:\d\d WIB tomorrow\.$/),
      fieldErrors: { file: [expect.stringContaining("only 2 more batch rows remain")] },
    });
    expect(await batchCount()).toBe(before.batches);
    expect(await audited("batch.rate_limited")).toEqual([
      expect.objectContaining({ actorId: h.staff.id, targetType: "limit", targetId: "batchRowsPerDay", ip, after: { rows: 3, used: 3, limit: 5, remaining: 2 } }),
    ]);

    expectOk(await upload(csv(2)));
    expect(await upload(csv(1))).toMatchObject({ ok: false, message: expect.stringContaining("no more batch rows remain") });
    expect(inquiriesAtGateway()).toBe(before.inquiries);
    // Another person has their own allowance.
    expectOk(await upload(csv(5), h.manager));
  });

  it("counts the last 24 hours, not the calendar day; an admin's change applies at once", async () => {
    await setLimits({ batchRowsPerDay: 4 });
    expectOk(await upload(csv(4)));
    h.advance(23 * hour);
    expect((await upload(csv(1))).ok).toBe(false);
    await setLimits({ batchRowsPerDay: 5 });
    expectOk(await upload(csv(1)));
    h.advance(hour + minute);
    // The first file is 24 hours old: its 4 rows are free again, the last one is not.
    expectOk(await upload(csv(4)));
    expect((await upload(csv(1))).ok).toBe(false);
  });

  it("refuses a file larger than the limit itself, whatever is left", async () => {
    await setLimits({ batchRowsPerDay: 3 });
    expect(await upload(csv(4))).toMatchObject({ ok: false, message: expect.stringMatching(/^This file has 4 rows, but one person may look up at most 3 batch rows .* Split it into smaller files\.$/) });
  });

  it("counts each row fix, which is looked up again", async () => {
    await setLimits({ batchRowsPerDay: 3 });
    const { batchId } = expectOk(await upload(["wallet,phone,amount,note", "DANA,12345,10000,", "DANA,628111000001,10000,"].join("\n")));
    const bad = (await h.db.select().from(batchRows).where(eq(batchRows.batchId, batchId))).find((r) => r.state === "invalid")!;
    const fix = { batchId, rowId: bad.id, wallet: "DANA", phone: "6281234567890", amount: "10000", note: "" };
    expectOk(await editRow(h.deps, { actor: h.staff, ip }, fix));
    expect(await editRow(h.deps, { actor: h.staff, ip }, fix)).toMatchObject({ ok: false, code: "forbidden", message: expect.stringMatching(/^You cannot fix rows now: .* you have used 3\. Fixing is possible again at/) });
    expect((await audited("batch.rate_limited")).map((e) => e.after)).toEqual([{ rows: 1, used: 3, limit: 3, remaining: 0, fix: true }]);
  });

  it("audits a burst of refusals at most once a minute per person", async () => {
    await setLimits({ batchRowsPerDay: 1 });
    expectOk(await upload(csv(1)));
    for (let i = 0; i < 5; i++) expect((await upload(csv(1))).ok).toBe(false);
    expect(await audited("batch.rate_limited")).toHaveLength(1);
    h.advance(minute + 1);
    expect((await upload(csv(1))).ok).toBe(false);
    expect(await audited("batch.rate_limited")).toHaveLength(2);
  });

  it("is checked at upload, on the file the person sent", async () => {
    await setLimits({ batchRowsPerDay: 2 });
    const file = new File([csv(3)], "june.csv", { type: "text/csv" });
    expect(await uploadBatchFile(h.deps, { actor: h.staff, ip }, file)).toMatchObject({ ok: false, fieldErrors: { file: [expect.stringContaining("This file has 3 rows")] } });
    expect(await batchCount()).toBe(0);
  });
});
