import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { auditEntries, transfers, users } from "@/db/schema";
import { approveTransfer, rejectTransfer } from "@/lib/transfers/approvals";
import { approvalHoldOf } from "@/lib/transfers/approval-hold";
import { confirmResolution, declineResolution } from "@/lib/transfers/resolve";
import { changeRole, createUser, resetPassword } from "@/lib/users/service";
import { createHarness, expectOk, type Harness } from "./harness";

/**
 * docs/roles.md#two-people-not-two-accounts: a manager account an admin created, promoted or re-keyed in
 * the last 24 h decides on nobody's money, so one admin cannot approve their own transfer with a second
 * account. Checked on the server, inside the deciding transaction, and audited.
 */

const minute = 60_000;
const hour = 60 * minute;
const ip = "203.0.113.13";
const JOHN = "6281234567890";

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const refusals = async () => await h.db.select().from(auditEntries).where(eq(auditEntries.action, "transfer.approval_hold_refused"));
const inquiriesAtGateway = () => h.gateway.requests().filter((r) => r.call === "inquiry").length;
const adminCtx = () => ({ db: h.db, actor: h.admin, ip });
const holdMessage = /^Your account was created, promoted or re-keyed by an admin at \d\d:\d\d WIB; for the two-person rule you can approve from \d\d:\d\d WIB tomorrow\.$/;

/** The sock puppet of the issue: a manager account an admin just made. */
async function puppet() {
  const { id } = expectOk(await createUser(adminCtx(), { name: "Puppet", email: "puppet@x.test", role: "manager", password: "a-long-temporary-password-1" }));
  return (await first(h.db.select().from(users).where(eq(users.id, id)).limit(1)))!;
}

describe("A manager an admin created, promoted or re-keyed cannot decide for 24 hours", () => {
  it("refuses the approval before any look-up, says from when, audits it; after 24 h the same manager approves another", async () => {
    const manager = await puppet();
    const { transferId } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }, h.admin));
    const looked = inquiriesAtGateway();

    const refused = await approveTransfer(h.deps, { actor: manager, ip }, { transferId });
    expect(refused).toMatchObject({ ok: false, code: "forbidden", message: expect.stringMatching(holdMessage) });
    expect(inquiriesAtGateway()).toBe(looked);
    expect(await h.transfer(transferId)).toMatchObject({ status: "awaiting_approval", approverId: null });
    expect(await refusals()).toEqual([
      expect.objectContaining({ actorId: manager.id, targetType: "transfer", targetId: String(transferId), ip, after: expect.objectContaining({ decision: "approve" }) }),
    ]);

    h.advance(24 * hour + minute);
    const later = expectOk(await h.send({ phone: JOHN, amount: 6_000_001 }, h.admin));
    expect(expectOk(await approveTransfer(h.deps, { actor: manager, ip }, { transferId: later.transferId })).outcome).toBe("approved");
  });

  it("refuses a rejection too", async () => {
    const { transferId } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    expectOk(await resetPassword(adminCtx(), { userId: h.manager.id, password: "another-temporary-password-2" }));
    expect(await rejectTransfer(h.deps, { actor: h.manager, ip }, { transferId, reason: "not mine to decide" })).toMatchObject({ ok: false, code: "forbidden", message: expect.stringMatching(holdMessage) });
    expect((await h.transfer(transferId)).status).toBe("awaiting_approval");
    expect(await refusals()).toEqual([expect.objectContaining({ actorId: h.manager.id, after: expect.objectContaining({ decision: "reject" }) })]);
    // Another manager, not on hold, decides as before.
    expectOk(await rejectTransfer(h.deps, { actor: h.manager2, ip }, { transferId, reason: "wrong recipient" }));
  });

  it("promoting someone to manager holds them; a manager an admin did not touch is not held", async () => {
    expectOk(await changeRole(adminCtx(), { userId: h.staff.id, role: "manager" }));
    expect(await approvalHoldOf(h.db, h.staff.id, h.now())).not.toBeNull();
    expect(await approvalHoldOf(h.db, h.manager.id, h.now())).toBeNull();
  });

  it("reads the approver again in the approving transaction: a reset during the look-up still refuses", async () => {
    const { transferId } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    const gateway = h.deps.gateway;
    h.deps.gateway = {
      topup: (...args) => gateway.topup(...args),
      status: (...args) => gateway.status(...args),
      async inquiry(...args) {
        const answer = await gateway.inquiry(...args);
        // The admin resets the approver's password while Cash In answers the approval's look-up.
        await h.db.update(users).set({ approvalHoldUntil: new Date(h.now().getTime() + 24 * hour) }).where(eq(users.id, h.manager.id));
        return answer;
      },
    };
    expect(await approveTransfer(h.deps, { actor: h.manager, ip }, { transferId })).toMatchObject({ ok: false, code: "forbidden", message: expect.stringMatching(/two-person rule/) });
    expect(await h.transfer(transferId)).toMatchObject({ status: "awaiting_approval", approverId: null });
    expect(h.topupsAtGateway()).toHaveLength(0);
    expect(await refusals()).toHaveLength(1);
  });

  it("cannot confirm or decline the outcome an admin recorded for an unresolved transfer", async () => {
    const manager = await puppet();
    const { transferId } = expectOk(await h.send({ phone: JOHN, amount: 40_000 }));
    await h.db
      .update(transfers)
      .set({ status: "unresolved", resolutionOutcome: "failed", resolutionReason: "Ticket #1", resolutionBy: h.admin.id, resolutionAt: h.now() })
      .where(eq(transfers.id, transferId));
    expect(await confirmResolution(h.deps, { actor: manager, ip }, { transferId })).toMatchObject({ ok: false, code: "forbidden", message: expect.stringMatching(holdMessage) });
    expect(await declineResolution(h.deps, { actor: manager, ip }, { transferId, reason: "no" })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await h.transfer(transferId)).toMatchObject({ status: "unresolved", resolutionOutcome: "failed" });
    expect((await refusals()).map((e) => (e.after as { decision: string }).decision)).toEqual(["confirm_outcome", "decline_outcome"]);
  });
});
