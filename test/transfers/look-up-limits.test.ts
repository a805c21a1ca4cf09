import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEntries, inquiries } from "@/db/schema";
import { parseBatchCsv } from "@/lib/batches/parse";
import { createBatch } from "@/lib/batches/rows";
import { runBatch } from "@/lib/batches/runner";
import { approveTransfer } from "@/lib/transfers/approvals";
import { lookUpForNewTransfer } from "@/lib/transfers/inquiry";
import { getLimits, updateLimits } from "@/lib/transfers/settings";
import { createHarness, expectOk, type Harness } from "./harness";

/**
 * Owner names are personal data (docs/limits.md#look-ups-per-person-per-hour): one person's look-ups on New
 * transfer are limited per hour, checked on the server before Cash In is asked, refused with when the next
 * one is possible, audited without flooding the trail.
 */

const minute = 60_000;
const ip = "203.0.113.21";
const JOHN = "6281234567890";

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const inquiriesAtGateway = () => h.gateway.requests().filter((r) => r.call === "inquiry").length;
const rateLimited = async () => await h.db.select().from(auditEntries).where(eq(auditEntries.action, "inquiry.rate_limited"));
const setLookUps = async (lookUpsPerHour: number) => expectOk(await updateLimits({ db: h.db, actor: h.admin, ip }, { ...(await getLimits(h.db)), lookUpsPerHour }));
const lookUp = (actor = h.staff, amount = 50_000) => lookUpForNewTransfer(h.deps, { actor, ip }, { wallet: "DANA", phone: JOHN, amount });

describe("Look-ups per person per hour", () => {
  it("allows exactly the limit, refuses the next without asking Cash In, and says when the next is possible", async () => {
    await setLookUps(3);
    for (let i = 0; i < 3; i++) {
      expectOk(await lookUp());
      h.advance(10 * minute);
    }
    const asked = inquiriesAtGateway();
    const refused = await lookUp();
    expect(refused).toMatchObject({ ok: false, code: "forbidden", message: expect.stringMatching(/^You have made 3 look-ups in the last hour, the most allowed; the next is possible at \d\d:\d\d WIB( tomorrow)?\.$/) });
    expect(inquiriesAtGateway()).toBe(asked);
    expect(await rateLimited()).toEqual([
      expect.objectContaining({ actorId: h.staff.id, actorEmail: h.staff.email, targetType: "limit", targetId: "lookUpsPerHour", ip, after: expect.objectContaining({ made: 3, limit: 3 }) }),
    ]);
    // The first look-up, 30 minutes ago, frees its place an hour after it was made.
    const nextAt = new Date(((await rateLimited())[0]!.after as { nextAt: string }).nextAt);
    expect(nextAt.getTime()).toBe(h.now().getTime() + 30 * minute);
    h.advance(30 * minute - 1);
    expect((await lookUp()).ok).toBe(false);
    h.advance(1);
    expectOk(await lookUp());
    expect(inquiriesAtGateway()).toBe(asked + 1);
  });

  it("takes an admin's change at once, both ways, and keeps each person's own count", async () => {
    await setLookUps(2);
    expectOk(await lookUp());
    expectOk(await lookUp());
    expect((await lookUp()).ok).toBe(false);
    expectOk(await lookUp(h.manager));
    await setLookUps(3);
    expectOk(await lookUp());
    await setLookUps(1);
    expect(await lookUp()).toMatchObject({ ok: false, message: expect.stringMatching(/^You have made 3 look-ups in the last hour; the most allowed is now 1; the next is possible at/) });
  });

  it("audits a burst at most once a minute per person", async () => {
    await setLookUps(1);
    expectOk(await lookUp());
    for (let i = 0; i < 10; i++) expect((await lookUp()).ok).toBe(false);
    expect(await rateLimited()).toHaveLength(1);
    h.advance(minute + 1);
    expect((await lookUp()).ok).toBe(false);
    expect(await rateLimited()).toHaveLength(2);
  });

  it("lets at most the limit through when many look-ups arrive at once", async () => {
    await setLookUps(2);
    const asked = inquiriesAtGateway();
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => lookUp(h.staff, 50_000 + i)));
    expect(answers.filter((a) => a.ok)).toHaveLength(2);
    expect(inquiriesAtGateway() - asked).toBe(2);
  });

  it("does not count an approver's look-up, nor the look-ups of batch rows", async () => {
    await setLookUps(1);
    // The maker's own look-up is their one for the hour; the manager's look-up at approval does not use the manager's.
    const { transferId } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    expect(expectOk(await approveTransfer(h.deps, { actor: h.manager, ip }, { transferId })).outcome).toBe("approved");
    expectOk(await lookUp(h.manager));

    const parsed = parseBatchCsv(["wallet,phone,amount,note", "DANA,628111000001,10000,", "OVO,628111000002,10000,"].join("\n"));
    if (!parsed.ok) throw new Error(parsed.message);
    const { batchId } = expectOk(await createBatch(h.deps, { actor: h.manager2, ip }, { fileName: "june.csv", rows: parsed.rows }));
    await runBatch(h.deps, batchId, { backoffMs: 5 });
    expect(await h.db.select().from(inquiries).where(eq(inquiries.userId, h.manager2.id))).toHaveLength(2);
    expectOk(await lookUp(h.manager2));
  });

  it("checks the per-transfer maximum first, so a refused amount spends no look-up", async () => {
    await setLookUps(1);
    expect(await lookUp(h.staff, 30_000_000)).toMatchObject({ ok: false, fieldErrors: { amount: [expect.stringContaining("maximum per transfer")] } });
    expectOk(await lookUp());
  });
});
