import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { accountChanges, lookUpLimitsReached } from "@/lib/transfers/attention";
import { lookUpForNewTransfer } from "@/lib/transfers/inquiry";
import { getLimits, updateLimits } from "@/lib/transfers/settings";
import { changeRole, createUser, resetPassword } from "@/lib/users/service";
import { formatTimeNear } from "@/lib/format";
import { createHarness, expectOk, type Harness } from "./harness";

/**
 * Needs attention, issue 13: the admin changes that could make one person two approvers
 * (docs/roles.md#two-people-not-two-accounts), and who reached a look-up limit
 * (docs/limits.md#look-ups-per-person-per-hour), read from the audit trail.
 */

const hour = 60 * 60_000;
const ip = "203.0.113.51";
let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const adminCtx = () => ({ db: h.db, actor: h.admin, ip });
const soon = () => new Date(Date.now() + 1000);

describe("Account changes in the last 24 h", () => {
  it("lists held managers and admins with each admin change behind them, who made it and when", async () => {
    const { id: puppetId } = expectOk(await createUser(adminCtx(), { name: "Puppet", email: "puppet@x.test", role: "manager", password: "a-long-temporary-password-1" }));
    expectOk(await changeRole(adminCtx(), { userId: h.staff.id, role: "manager" }));
    expectOk(await resetPassword(adminCtx(), { userId: h.manager.id, password: "another-temporary-password-2" }));
    expectOk(await changeRole(adminCtx(), { userId: h.manager2.id, role: "admin" }));
    const { id: staffId } = expectOk(await createUser(adminCtx(), { name: "New staff", email: "new@x.test", role: "staff", password: "a-long-temporary-password-3" }));
    expectOk(await resetPassword(adminCtx(), { userId: staffId, password: "another-temporary-password-4" }));

    const now = soon();
    const changed = await accountChanges(h.db, now);
    const byEmail = Object.fromEntries(changed.map((a) => [a.email, a]));
    expect(Object.keys(byEmail).sort()).toEqual(["manager2@x.test", "manager@x.test", "puppet@x.test", "staff@x.test"]);
    expect(byEmail["puppet@x.test"]).toMatchObject({ id: puppetId, role: "manager", holdUntil: expect.any(Date), changes: [{ what: "created as manager", byId: h.admin.id, byName: "Ayu" }] });
    expect(byEmail["staff@x.test"]!.changes.map((c) => c.what)).toEqual(["role changed from staff to manager"]);
    expect(byEmail["manager@x.test"]!.changes.map((c) => c.what)).toEqual(["password reset"]);
    // An admin does not approve, so no hold; the promotion is shown all the same.
    expect(byEmail["manager2@x.test"]).toMatchObject({ role: "admin", holdUntil: null, changes: [{ what: "role changed from manager to admin", byName: "Ayu" }] });
    expect(formatTimeNear(byEmail["puppet@x.test"]!.holdUntil!, now)).toMatch(/WIB tomorrow$/);

    expect(await accountChanges(h.db, new Date(now.getTime() + 24 * hour + 60_000))).toEqual([]);
  });
});

describe("Look-up limits reached in the last 24 h", () => {
  it("one line per person and limit: when first and last, how many minutes, what the last refusal was", async () => {
    expectOk(await updateLimits({ db: h.db, actor: h.admin, ip }, { ...(await getLimits(h.db)), lookUpsPerHour: 1 }));
    const lookUp = () => lookUpForNewTransfer(h.deps, { actor: h.staff, ip }, { wallet: "DANA", phone: "6281234567890", amount: 50_000 });
    expectOk(await lookUp());
    expect((await lookUp()).ok).toBe(false);
    h.advance(5 * 60_000);
    expect((await lookUp()).ok).toBe(false);
    expect((await lookUp()).ok).toBe(false);

    expect(await lookUpLimitsReached(h.db, h.now())).toEqual([
      expect.objectContaining({ userId: h.staff.id, name: "Sari", kind: "lookUpsPerHour", minutes: 2, latest: "1 look-up in the hour; the limit is 1" }),
    ]);
    expect(await lookUpLimitsReached(h.db, new Date(h.now().getTime() + 24 * hour))).toEqual([]);
  });
});
