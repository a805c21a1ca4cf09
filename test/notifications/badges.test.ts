import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { transfers } from "@/db/schema";
import { badgesFor } from "@/lib/notifications/badges";
import { rejectTransfer } from "@/lib/transfers/approvals";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/** docs/notifications.md#in-the-app: what each badge counts, for whom, and when the approvals page must refresh. */

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

describe("The navigation's badges", () => {
  it("Approvals counts the queue's transfers a manager may decide (not their own); its version moves when the queue does", async () => {
    const empty = await badgesFor(h.db, h.manager);
    expect(empty.approvals?.count).toBe(0);
    const a = expectOk(await h.send({ phone: "628111000001", amount: 7_500_001 }));
    h.advance(1000);
    expectOk(await h.send({ phone: "628111000001", amount: 7_500_002 }, h.manager));
    const both = await badgesFor(h.db, h.manager);
    expect(both.approvals?.count).toBe(1);
    expect((await badgesFor(h.db, h.manager2)).approvals?.count).toBe(2);
    expect(both.approvals?.version).not.toBe(empty.approvals?.version);
    h.advance(1000);
    expect(await rejectTransfer(h.deps, { actor: h.manager2, ip: null }, { transferId: a.transferId, reason: "No invoice" })).toMatchObject({ ok: true });
    const after = await badgesFor(h.db, h.manager);
    expect(after.approvals?.count).toBe(0);
    expect(after.approvals?.version).not.toBe(both.approvals?.version);
    // Staff and admins have no Approvals badge; staff no count at all, only whether sending is paused (docs/deposit-alerts.md).
    expect(await badgesFor(h.db, h.staff)).toEqual({ sending: { paused: false } });
    expect((await badgesFor(h.db, h.admin)).approvals).toBeUndefined();
  });

  it("Needs attention counts, for admins, unresolved transfers and contradictions not reviewed yet", async () => {
    const one = expectOk(await h.send({ phone: "628111000001", amount: 10_001 }));
    const two = expectOk(await h.send({ phone: "628111000001", amount: 10_002 }));
    expect((await badgesFor(h.db, h.admin)).attention?.count).toBe(0);
    await h.db.update(transfers).set({ status: "unresolved" }).where(eq(transfers.id, one.transferId));
    await h.db.update(transfers).set({ discrepancy: "Cash In said failed after success", discrepancyAt: h.now() }).where(eq(transfers.id, two.transferId));
    expect((await badgesFor(h.db, h.admin)).attention?.count).toBe(2);
    await h.db.update(transfers).set({ discrepancyReviewedAt: h.now() }).where(eq(transfers.id, two.transferId));
    expect((await badgesFor(h.db, h.admin)).attention?.count).toBe(1);
    expect((await badgesFor(h.db, h.manager)).attention).toBeUndefined();
  });
});
