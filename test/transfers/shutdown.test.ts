import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { approveTransfer } from "@/lib/transfers/approvals";
import { reconcileDue } from "@/lib/transfers/reconcile";
import { beginDraining, drained, inFlightCount, resetShutdownState } from "@/lib/shutdown";
import { createHarness, expectOk, type Harness } from "./harness";

/** docs/architecture.md#stopping-cleanly: a clean stop never leaves a transfer `sending`, and sends nothing new. */

const SITI = "628111000001";

describe("Stopping cleanly", () => {
  let h: Harness;
  beforeEach(async () => {
    resetShutdownState();
    h = await createHarness({ timeoutMs: 2000 });
  });
  afterEach(async () => {
    resetShutdownState();
    await h.close();
  });

  it("waits for the top-up in flight to get its answer: the transfer is settled, not left sending", async () => {
    h.gateway.setMode({ topupDelayMs: 700 });
    const sending = h.send({ phone: SITI, amount: 20_000 });
    await expect.poll(() => inFlightCount(), { interval: 20 }).toBe(1);
    beginDraining();
    expect(await drained(5_000)).toBe(0);
    const sent = expectOk(await sending);
    expect((await h.transfer(sent.transferId)).status).toBe("succeeded");
    expect(h.topupsAtGateway(sent.reference)).toHaveLength(1);
  });

  it("starts no new top-up once stopping: an approval leaves the transfer approved, and the reconciler sends it after the restart", async () => {
    const created = expectOk(await h.send({ phone: SITI, amount: 7_500_000 }));
    beginDraining();
    const approved = expectOk(await approveTransfer(h.deps, { actor: h.manager, ip: null }, { transferId: created.transferId }));
    expect(approved).toMatchObject({ outcome: "approved" });
    expect((await h.transfer(created.transferId)).status).toBe("approved");
    expect(h.topupsAtGateway(created.reference)).toHaveLength(0);

    resetShutdownState(); // the restarted process
    h.advance(2000 + 5_000 + 1);
    await reconcileDue(h.deps);
    expect((await h.transfer(created.transferId)).status).toBe("succeeded");
    expect(h.topupsAtGateway(created.reference)).toHaveLength(1);
  });
});
