import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { transfers } from "@/db/schema";
import { reconcileDue } from "@/lib/transfers/reconcile";
import { checkTransfer } from "@/lib/transfers/settle";
import { giveUpAfterMs, nextCheckDelayMs } from "@/lib/transfers/reconcile-schedule";
import { inFlightMs } from "@/lib/transfers/send";
import { createHarness, expectOk, type Harness } from "./harness";

const second = 1000;
const minute = 60 * second;
const JOHN = "6281234567890";

describe("The reconciler's backoff: 5 s, 15 s, 1 min, 5 min, then every 15 min for up to 3 days", () => {
  it("waits longer after each check", () => {
    expect([0, 1, 2, 3, 4, 5, 50].map(nextCheckDelayMs)).toEqual([5 * second, 15 * second, minute, 5 * minute, 15 * minute, 15 * minute, 15 * minute]);
    expect(giveUpAfterMs).toBe(3 * 24 * 60 * minute);
  });
});

describe("Rules 2 and 3: unsettled transfers are settled by the status call, never guessed", () => {
  let h: Harness;
  afterEach(() => h.close());

  it("checks a pending transfer only when due and settles it when Cash In says 00 (03, 03, then 00)", async () => {
    h = await createHarness();
    const { transferId, reference } = expectOk(await h.send({ phone: "628111000002", amount: 50_000 }));
    expect(await reconcileDue(h.deps)).toMatchObject({ checked: 0 });
    const seen: string[] = [];
    for (const wait of [5 * second, 15 * second, minute]) {
      h.advance(wait);
      await reconcileDue(h.deps);
      seen.push((await h.transfer(transferId)).status);
    }
    expect(seen).toEqual(["processing", "processing", "succeeded"]);
    expect(h.statusCallsAtGateway(reference)).toHaveLength(3);
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
    // Settled, then watched: asked again an hour later for a late refund or contradiction (docs/lifecycle.md#paying-twice-is-impossible).
    expect(await h.transfer(transferId)).toMatchObject({ checks: 3, nextCheckAt: new Date(h.now().getTime() + 60 * minute), lastCode: "2003900" });
  });

  it("fails a transfer Cash In reports failed (03, then 06)", async () => {
    h = await createHarness();
    const { transferId } = expectOk(await h.send({ phone: "628111000007", amount: 50_000 }));
    h.advance(5 * second);
    await reconcileDue(h.deps);
    h.advance(15 * second);
    await reconcileDue(h.deps);
    expect(await h.transfer(transferId)).toMatchObject({ status: "failed", reason: expect.stringContaining("failed") });
  });

  it("keeps checking a timed-out top-up and settles it from the status call, with one top-up", async () => {
    h = await createHarness({ timeoutMs: 300, slowTopupMs: 700 });
    const { transferId, reference } = expectOk(await h.send({ phone: "628111000005", amount: 50_000 }));
    expect(await h.transfer(transferId)).toMatchObject({ status: "processing", lastMessage: expect.stringMatching(/timeout|no answer/i) });
    await new Promise((resolve) => setTimeout(resolve, 600)); // the mock finishes the slow top-up
    h.advance(5 * second);
    await reconcileDue(h.deps);
    expect((await h.transfer(transferId)).status).toBe("succeeded");
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
  });

  it("treats 'not found' (07) as 'not visible yet' during the grace period, then as never sent", async () => {
    h = await createHarness();
    const { transferId } = expectOk(await h.send({ phone: "628111000006", amount: 50_000 }));
    h.advance(5 * second);
    await reconcileDue(h.deps);
    expect(await h.transfer(transferId)).toMatchObject({ status: "processing", lastMessage: expect.stringContaining("Not visible at Cash In yet") });
    h.advance(10 * minute);
    await checkTransfer(h.deps, transferId);
    expect(await h.transfer(transferId)).toMatchObject({ status: "failed", reason: expect.stringContaining("Retry it as a new transfer") });
  });

  it("settles a transfer a crash left in `sending`, once its top-up can no longer be in flight", async () => {
    h = await createHarness();
    const { transferId, reference } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    // The app died right after the top-up reached Cash In: the transfer is `sending`, its answer never stored.
    await h.deps.gateway.topup({ partnerReferenceNo: reference, wallet: "DANA", customerNumber: JOHN, amount: 6_000_000 });
    await h.db
      .update(transfers)
      .set({ status: "sending", sentAt: h.now(), nextCheckAt: new Date(h.now().getTime() + inFlightMs(h.deps)) })
      .where(eq(transfers.id, transferId));
    expect(await reconcileDue(h.deps)).toMatchObject({ checked: 0 });
    h.advance(inFlightMs(h.deps));
    expect(await reconcileDue(h.deps)).toMatchObject({ checked: 1, settled: 1 });
    expect((await h.transfer(transferId)).status).toBe("succeeded");
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
  });

  it("sends, once, an approved transfer that a crash left unsent", async () => {
    h = await createHarness();
    const { transferId, reference } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    await h.db.update(transfers).set({ status: "approved", updatedAt: h.now() }).where(eq(transfers.id, transferId));
    h.advance(inFlightMs(h.deps) + second);
    const [a, b] = await Promise.all([reconcileDue(h.deps), reconcileDue(h.deps)]);
    expect(a.resent + b.resent).toBe(1);
    expect((await h.transfer(transferId)).status).toBe("succeeded");
    expect(h.topupsAtGateway(reference)).toHaveLength(1);
  });

  it("never lets two reconcilers work on the same transfer", async () => {
    h = await createHarness();
    const references: string[] = [];
    for (let i = 0; i < 6; i++) references.push(expectOk(await h.send({ phone: "628111000002", amount: 10_000 + i })).reference);
    h.advance(5 * second);
    h.gateway.setMode({ latencyMs: 50 });
    const passes = await Promise.all([reconcileDue(h.deps), reconcileDue(h.deps), reconcileDue(h.deps)]);
    expect(passes.reduce((n, p) => n + p.checked, 0)).toBe(6);
    for (const reference of references) expect(h.statusCallsAtGateway(reference)).toHaveLength(1);
  });

  it("keeps an unknown outcome processing when the status call itself fails, and makes it unresolved after 3 days", async () => {
    h = await createHarness();
    const { transferId } = expectOk(await h.send({ phone: "628111000002", amount: 50_000 }));
    h.gateway.setMode({ fault: "server_error", faultCalls: ["status"] });
    h.advance(5 * second);
    await reconcileDue(h.deps);
    expect((await h.transfer(transferId)).status).toBe("processing");
    h.advance(giveUpAfterMs);
    await checkTransfer(h.deps, transferId);
    expect(await h.transfer(transferId)).toMatchObject({ status: "unresolved", nextCheckAt: null, lastMessage: expect.stringContaining("after 3 days of checks") });
  });
});

describe("The lease: one runner at a time on a transfer, and none left behind", () => {
  let h: Harness;
  afterEach(() => h.close());

  it("ends the lease with the answer it writes: settled, still pending, or a late check of a settled transfer", async () => {
    h = await createHarness();
    const { transferId } = expectOk(await h.send({ phone: "628111000002", amount: 50_000 }));
    h.advance(5 * second);
    await reconcileDue(h.deps);
    expect(await h.transfer(transferId)).toMatchObject({ status: "processing", leaseUntil: null });
    h.advance(15 * second);
    await reconcileDue(h.deps);
    h.advance(minute);
    await reconcileDue(h.deps);
    expect(await h.transfer(transferId)).toMatchObject({ status: "succeeded", leaseUntil: null });
    h.advance(60 * minute);
    expect(await reconcileDue(h.deps)).toMatchObject({ checked: 1 });
    expect(await h.transfer(transferId)).toMatchObject({ status: "succeeded", leaseUntil: null });
  });

  it("leaves a transfer leased by another runner alone, and asks Cash In nothing", async () => {
    h = await createHarness();
    const { transferId, reference } = expectOk(await h.send({ phone: "628111000002", amount: 50_000 }));
    h.advance(5 * second);
    const theirs = new Date(h.now().getTime() + minute);
    await h.db.update(transfers).set({ leaseUntil: theirs }).where(eq(transfers.id, transferId));
    // Neither the background pass nor a person's "Refresh status" takes it.
    expect(await reconcileDue(h.deps)).toMatchObject({ checked: 0 });
    expect(await checkTransfer(h.deps, transferId)).toMatchObject({ checked: false, transfer: { leaseUntil: theirs } });
    expect(h.statusCallsAtGateway(reference)).toHaveLength(0);
    expect(await h.transfer(transferId)).toMatchObject({ leaseUntil: theirs });
    // A lease that lapsed (its runner died) no longer holds the transfer.
    h.advance(2 * minute);
    expect(await reconcileDue(h.deps)).toMatchObject({ checked: 1 });
    expect(h.statusCallsAtGateway(reference)).toHaveLength(1);
    expect((await h.transfer(transferId)).leaseUntil).toBeNull();
  });

  it("takes each due transfer once in a pass, oldest check first, even one whose check gave the lease back undecided", async () => {
    h = await createHarness();
    const sent = [];
    for (const amount of [50_000, 51_000, 52_000]) {
      sent.push(expectOk(await h.send({ phone: "628111000002", amount })));
      h.advance(second);
    }
    const [first, second_, third] = sent as [(typeof sent)[0], (typeof sent)[0], (typeof sent)[0]];
    h.advance(10 * second);
    const gateway = h.deps.gateway;
    const asked: string[] = [];
    // The second one is changed by a person while Cash In is asked (to `unresolved`, still checkable and still due):
    // the check applies nothing and gives the lease back; the pass must not take it again and again.
    const changedMeanwhile = {
      ...gateway,
      status: async (...args: Parameters<typeof gateway.status>) => {
        asked.push(args[0].partnerReferenceNo);
        const answer = await gateway.status(...args);
        if (args[0].partnerReferenceNo === second_.reference) await h.db.update(transfers).set({ status: "unresolved" }).where(eq(transfers.id, second_.transferId));
        return answer;
      },
    };
    expect(await reconcileDue({ ...h.deps, gateway: changedMeanwhile }, { concurrency: 1 })).toMatchObject({ checked: 3 });
    expect(asked).toEqual([first.reference, second_.reference, third.reference]);
    expect(await h.transfer(second_.transferId)).toMatchObject({ status: "unresolved", leaseUntil: null });
    // With more runners than transfers, still once each. On PostgreSQL the first picks also wait for the pool to open
    // connections, long enough for another runner's check to give a lease back meanwhile.
    await h.db.update(transfers).set({ nextCheckAt: h.now() });
    asked.length = 0;
    expect(await reconcileDue({ ...h.deps, gateway: changedMeanwhile }, { concurrency: 8 })).toMatchObject({ checked: 3 });
    expect(asked.toSorted()).toEqual([first.reference, second_.reference, third.reference].toSorted());
  });

  it("leases each transfer of a long pass for the full 2 minutes from its own pick, not from the pass's start", async () => {
    h = await createHarness();
    const first = expectOk(await h.send({ phone: "628111000002", amount: 50_000 }));
    const later = expectOk(await h.send({ phone: "628111000002", amount: 51_000 }));
    h.advance(10 * second);
    const gateway = h.deps.gateway;
    const leases: { at: number; until: number | undefined }[] = [];
    // Cash In takes 90 s to answer the first check (the harness's clock moves on meanwhile).
    const slowFirst = {
      ...gateway,
      status: async (...args: Parameters<typeof gateway.status>) => {
        const leased = await h.transfer(args[0].partnerReferenceNo === first.reference ? first.transferId : later.transferId);
        leases.push({ at: h.now().getTime(), until: leased.leaseUntil?.getTime() });
        if (args[0].partnerReferenceNo === first.reference) h.advance(90 * second);
        return gateway.status(...args);
      },
    };
    expect(await reconcileDue({ ...h.deps, gateway: slowFirst }, { concurrency: 1 })).toMatchObject({ checked: 2 });
    expect(leases).toHaveLength(2);
    for (const lease of leases) expect(lease.until).toBe(lease.at + 2 * minute);
  });

  it("releases the lease when the transfer changed while Cash In was asked, and when the call throws", async () => {
    h = await createHarness();
    const { transferId } = expectOk(await h.send({ phone: "628111000002", amount: 50_000 }));
    h.advance(5 * second);
    const gateway = h.deps.gateway;
    // A person settles it meanwhile: the check's own write finds it no longer `processing` and applies nothing.
    const changedMeanwhile = {
      ...gateway,
      status: async (...args: Parameters<typeof gateway.status>) => {
        const answer = await gateway.status(...args);
        await h.db.update(transfers).set({ status: "unresolved" }).where(eq(transfers.id, transferId));
        return answer;
      },
    };
    expect(await checkTransfer({ ...h.deps, gateway: changedMeanwhile }, transferId)).toMatchObject({ checked: true, transfer: null });
    expect(await h.transfer(transferId)).toMatchObject({ status: "unresolved", leaseUntil: null });
    const broken = { ...gateway, status: async () => Promise.reject(new Error("bug in the caller")) };
    await expect(checkTransfer({ ...h.deps, gateway: broken }, transferId)).rejects.toThrow("bug in the caller");
    expect((await h.transfer(transferId)).leaseUntil).toBeNull();
  });
});
