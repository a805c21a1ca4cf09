import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEntries, transferStatuses, transfers } from "@/db/schema";
import { approveTransfer, cancelTransfer, expireOverdue, rejectTransfer } from "@/lib/transfers/approvals";
import { createTransfer } from "@/lib/transfers/create";
import { lookUpWallet } from "@/lib/transfers/inquiry";
import { allowedTransitions, IllegalTransition, transition } from "@/lib/transfers/lifecycle";
import { sendTransfer } from "@/lib/transfers/send";
import { limitsSchemaFor } from "@/lib/transfers/limits-schema";
import { getLimits, updateLimits } from "@/lib/transfers/settings";
import { createHarness, expectOk, type Harness } from "./harness";

const minute = 60_000;
const JOHN = "6281234567890";

describe("The lifecycle allows only the transitions of docs/lifecycle.md#transitions", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  it("moves along every allowed transition and refuses every other one", async () => {
    const { transferId } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    for (const from of transferStatuses) {
      for (const to of transferStatuses) {
        await h.db.update(transfers).set({ status: from }).where(eq(transfers.id, transferId));
        const move = () => h.db.transaction(async (tx) => transition(tx, transferId, from, to, {}, { actor: null, ip: null }, h.now()));
        if (allowedTransitions[from].includes(to)) expect((await move())?.status).toBe(to);
        else await expect(move()).rejects.toThrow(IllegalTransition);
      }
    }
  });

  it("does nothing when the transfer is no longer in the expected status (a lost race)", async () => {
    const { transferId } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    expect(await h.db.transaction(async (tx) => transition(tx, transferId, "approved", "sending", {}, { actor: null, ip: null }, h.now()))).toBeNull();
    expect((await h.transfer(transferId)).status).toBe("awaiting_approval");
  });
});

describe("Rule 4: a transfer is created only from a fresh successful look-up of the same wallet, number and amount", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  it("stores the name the staff confirmed and sends at once below the threshold", async () => {
    const created = expectOk(await h.send({ phone: JOHN, amount: 50_000 }));
    expect(created.status).toBe("succeeded");
    expect(await h.transfer(created.transferId)).toMatchObject({ ownerName: "John", amount: 50_000, phone: JOHN, wallet: "DANA", makerId: h.staff.id });
    expect(h.topupsAtGateway(created.reference)).toHaveLength(1);
    // A success answer carries no Cash In reference: the status call right after it fetches it (docs/lifecycle.md#paying-twice-is-impossible).
    expect((await h.auditOf(created.transferId)).map((e) => e.action)).toEqual(["transfer.create", "transfer.sending", "transfer.succeeded", "transfer.reference"]);
    expect((await h.transfer(created.transferId)).cashinReference).toMatch(/^TF\d{10}$/);
    expect(h.statusCallsAtGateway(created.reference)).toHaveLength(1);
  });

  it("refuses a look-up older than 15 minutes", async () => {
    const inquiry = await lookUpWallet(h.deps, h.staff.id, { wallet: "DANA", phone: JOHN, amount: 50_000 }, { purpose: "transfer" });
    h.advance(15 * minute + 1000);
    const result = await createTransfer(h.deps, { actor: h.staff, ip: null }, { wallet: "DANA", phone: JOHN, amount: 50_000, inquiryId: inquiry.id });
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining("more than 15 minutes old") });
    expect(h.topupsAtGateway()).toHaveLength(0);
  });

  it.each([
    ["another amount", { amount: 60_000 }],
    ["another number", { phone: "628111000001" }],
    ["another wallet", { wallet: "OVO" as const }],
  ])("refuses a confirmation with %s than the look-up", async (_case, change) => {
    const inquiry = await lookUpWallet(h.deps, h.staff.id, { wallet: "DANA", phone: JOHN, amount: 50_000 }, { purpose: "transfer" });
    const result = await createTransfer(h.deps, { actor: h.staff, ip: null }, { wallet: "DANA", phone: JOHN, amount: 50_000, ...change, inquiryId: inquiry.id });
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining("changed after the look-up") });
  });

  it("refuses someone else's look-up and a look-up that found no wallet", async () => {
    const theirs = await lookUpWallet(h.deps, h.manager.id, { wallet: "DANA", phone: JOHN, amount: 50_000 }, { purpose: "transfer" });
    expect(await createTransfer(h.deps, { actor: h.staff, ip: null }, { wallet: "DANA", phone: JOHN, amount: 50_000, inquiryId: theirs.id })).toMatchObject({ ok: false });
    const missing = await lookUpWallet(h.deps, h.staff.id, { wallet: "DANA", phone: "628111000003", amount: 50_000 }, { purpose: "transfer" });
    expect(missing).toMatchObject({ outcome: "not_found", message: expect.stringContaining("No DANA wallet is registered") });
    expect(await createTransfer(h.deps, { actor: h.staff, ip: null }, { wallet: "DANA", phone: "628111000003", amount: 50_000, inquiryId: missing.id })).toMatchObject({ ok: false });
    expect(await h.db.select().from(transfers)).toHaveLength(0);
  });

  it("tells an inactive wallet apart", async () => {
    const inactive = await lookUpWallet(h.deps, h.staff.id, { wallet: "OVO", phone: "628111000008", amount: 50_000 }, { purpose: "transfer" });
    expect(inactive).toMatchObject({ outcome: "inactive", ownerName: null, message: expect.stringContaining("inactive") });
  });
});

describe("Rule 1: one transfer reaches the gateway at most once", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  it("turns 10 concurrent confirmations of one look-up into one transfer and one top-up", async () => {
    const inquiry = await lookUpWallet(h.deps, h.staff.id, { wallet: "DANA", phone: JOHN, amount: 70_000 }, { purpose: "transfer" });
    const input = { wallet: "DANA" as const, phone: JOHN, amount: 70_000, inquiryId: inquiry.id };
    const results = await Promise.all(Array.from({ length: 10 }, () => createTransfer(h.deps, { actor: h.staff, ip: null }, input)));
    const ids = new Set(results.map((r) => expectOk(r).transferId));
    expect(ids.size).toBe(1);
    expect(await h.db.select().from(transfers)).toHaveLength(1);
    expect(h.topupsAtGateway()).toHaveLength(1);
  });

  it("sends an approved transfer once however many senders race", async () => {
    const { transferId, reference } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    await h.db.update(transfers).set({ status: "approved" }).where(eq(transfers.id, transferId));
    const sends = await Promise.all(Array.from({ length: 20 }, () => sendTransfer(h.deps, transferId, { actor: null, ip: null })));
    expect(sends.filter(Boolean)).toHaveLength(1);
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
    expect((await h.transfer(transferId)).status).toBe("succeeded");
  });

  it("lets one of two managers approving at once win; the other is told it was already decided", async () => {
    const { transferId, reference } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    const [a, b] = await Promise.all([
      approveTransfer(h.deps, { actor: h.manager, ip: null }, { transferId }),
      approveTransfer(h.deps, { actor: h.manager2, ip: null }, { transferId }),
    ]);
    const results = [a, b];
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ code: "conflict", message: expect.stringContaining("already decided") });
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
  });
});

describe("Top-up outcomes become statuses (docs/gateway.md#response-codes)", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  it.each([
    ["628111000004", "balance is too low"],
    ["628111000009", "limit"],
  ])("a definitive refusal (%s) fails the transfer with the reason in words", async (phone, words) => {
    const { transferId } = expectOk(await h.send({ phone, amount: 50_000 }));
    const transfer = await h.transfer(transferId);
    expect(transfer.status).toBe("failed");
    expect(transfer.reason?.toLowerCase()).toContain(words);
  });

  it("in progress (202) stays processing with a status check scheduled", async () => {
    const { transferId } = expectOk(await h.send({ phone: "628111000002", amount: 50_000 }));
    expect(await h.transfer(transferId)).toMatchObject({ status: "processing", lastCode: "2023800" });
    expect((await h.transfer(transferId)).nextCheckAt!.getTime()).toBe(h.now().getTime() + 5000);
  });

  it("a 5xx answer is ambiguous: processing, never resent", async () => {
    const { transferId, reference } = expectOk(await h.send({ phone: "628111000006", amount: 50_000 }));
    expect((await h.transfer(transferId)).status).toBe("processing");
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
  });

  it("a gateway fault on the top-up (500, garbage, 429, reset) leaves it processing with exactly one top-up", async () => {
    for (const [i, fault] of (["server_error", "garbage", "rate_limit", "reset"] as const).entries()) {
      h.gateway.setMode({ fault, faultCalls: ["topup"] });
      const { transferId, reference } = expectOk(await h.send({ phone: "628111000001", amount: 10_000 + i }));
      expect((await h.transfer(transferId)).status, fault).toBe("processing");
      expect(h.topupsAtGateway(reference), fault).toHaveLength(1);
    }
  });
});

describe("Approvals", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  it("at or above the threshold a transfer waits for a manager and sends nothing", async () => {
    const { transferId, status } = expectOk(await h.send({ phone: JOHN, amount: 5_000_000 }));
    expect(status).toBe("awaiting_approval");
    expect(h.topupsAtGateway()).toHaveLength(0);
    expect(expectOk(await h.send({ phone: JOHN, amount: 4_999_999 })).status).toBe("succeeded");
    const approved = expectOk(await approveTransfer(h.deps, { actor: h.manager, ip: null }, { transferId }));
    expect(approved).toEqual({ outcome: "approved", status: "succeeded" });
    expect(await h.transfer(transferId)).toMatchObject({ approverId: h.manager.id, status: "succeeded" });
  });

  it("a manager never approves or rejects their own transfer", async () => {
    const { transferId } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }, h.manager));
    expect(await approveTransfer(h.deps, { actor: h.manager, ip: null }, { transferId })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await rejectTransfer(h.deps, { actor: h.manager, ip: null }, { transferId, reason: "mine" })).toMatchObject({ ok: false, code: "forbidden" });
    expect((await h.transfer(transferId)).status).toBe("awaiting_approval");
    expect(h.topupsAtGateway()).toHaveLength(0);
  });

  it("a changed owner name must be acknowledged, and the acknowledged name is stored", async () => {
    const { transferId } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    // The maker confirmed "Jon"; the wallet is now registered to "John".
    await h.db.update(transfers).set({ ownerName: "Jon" }).where(eq(transfers.id, transferId));
    const first = expectOk(await approveTransfer(h.deps, { actor: h.manager, ip: null }, { transferId }));
    expect(first).toEqual({ outcome: "name_changed", confirmedName: "Jon", currentName: "John" });
    expect((await h.transfer(transferId)).status).toBe("awaiting_approval");
    expect(h.topupsAtGateway()).toHaveLength(0);
    const second = expectOk(await approveTransfer(h.deps, { actor: h.manager, ip: null }, { transferId, acknowledgedName: "John" }));
    expect(second.outcome).toBe("approved");
    expect((await h.transfer(transferId)).ownerName).toBe("John");
  });

  it("a rejection needs a reason and ends the transfer; cancel is for its maker only", async () => {
    const a = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    expect(await rejectTransfer(h.deps, { actor: h.manager, ip: null }, { transferId: a.transferId, reason: "Wrong recipient" })).toMatchObject({ ok: true });
    expect(await h.transfer(a.transferId)).toMatchObject({ status: "rejected", reason: "Wrong recipient", approverId: h.manager.id });
    expect(await approveTransfer(h.deps, { actor: h.manager2, ip: null }, { transferId: a.transferId })).toMatchObject({ ok: false, code: "conflict" });

    const b = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    expect(await cancelTransfer(h.deps, { actor: h.manager, ip: null }, { transferId: b.transferId })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await cancelTransfer(h.deps, { actor: h.staff, ip: null }, { transferId: b.transferId })).toMatchObject({ ok: true });
    expect((await h.transfer(b.transferId)).status).toBe("canceled");
    expect(h.topupsAtGateway()).toHaveLength(0);
  });

  it("transfers not decided within the approval window expire and can no longer be approved", async () => {
    const { transferId } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    h.advance(23 * 60 * minute);
    expect(await expireOverdue(h.deps)).toBe(0);
    h.advance(60 * minute + 1000);
    expect(await expireOverdue(h.deps)).toBe(1);
    expect((await h.transfer(transferId)).status).toBe("expired");
    expect(await approveTransfer(h.deps, { actor: h.manager, ip: null }, { transferId })).toMatchObject({ ok: false, code: "conflict" });
    expect(h.topupsAtGateway()).toHaveLength(0);
  });
});

describe("Limits (docs/limits.md#the-limits) are enforced on the server", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
    expectOk(await updateLimits({ db: h.db, actor: h.manager, ip: null }, { ...(await getLimits(h.db)), approvalThreshold: 1_000_000, maxPerTransfer: 1_000_000, dailyTotalPerMaker: 1_500_000 }));
  });
  afterEach(() => h.close());

  it("refuses an amount over the maximum per transfer", async () => {
    expect(await h.send({ phone: JOHN, amount: 1_000_001 })).toMatchObject({ ok: false, message: expect.stringContaining("Rp 1,000,000") });
  });

  it("refuses what would exceed the maker's daily total and says how much is left", async () => {
    expectOk(await h.send({ phone: JOHN, amount: 1_000_000 }));
    expect(await h.send({ phone: JOHN, amount: 600_000 })).toMatchObject({ ok: false, message: expect.stringContaining("you can still send Rp 500,000 today") });
    // Another maker has their own total.
    expect((await h.send({ phone: JOHN, amount: 600_000 }, h.manager)).ok).toBe(true);
    // Failed transfers moved no money and do not count.
    expectOk(await h.send({ phone: "628111000004", amount: 400_000 }));
    expect((await h.send({ phone: JOHN, amount: 500_000 })).ok).toBe(true);
  });

  it("stores limits in the database and audits a change with only what changed", async () => {
    expect(await getLimits(h.db)).toMatchObject({ maxPerTransfer: 1_000_000, dailyTotalPerMaker: 1_500_000 });
    const [entry] = await h.db.select().from(auditEntries).where(eq(auditEntries.action, "limits.update"));
    expect(entry).toMatchObject({
      actorId: h.manager.id,
      before: { maxPerTransfer: 25_000_000, dailyTotalPerMaker: 100_000_000 },
      after: { maxPerTransfer: 1_000_000, dailyTotalPerMaker: 1_500_000 },
    });
    expect(limitsSchemaFor(15_000).safeParse({ ...(await getLimits(h.db)), dailyTotalPerMaker: 10 }).error?.issues[0]?.message).toBe(
      "The daily total per maker cannot be below the maximum per transfer",
    );
  });
});
