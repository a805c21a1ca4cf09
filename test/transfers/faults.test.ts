import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { transfers } from "@/db/schema";
import type { MockModeInput } from "@/lib/cashin/mock/server";
import { approveTransfer } from "@/lib/transfers/approvals";
import { reconcileDue } from "@/lib/transfers/reconcile";
import { createHarness, expectOk, type Harness } from "./harness";

/**
 * Issue 5 §2: every path that sends, under every fault the gateway can throw at us. Whatever happens,
 * the transfer ends where docs/gateway.md#response-codes / §3.2 say, Cash In sees at most one top-up per reference, and no
 * transfer is lost.
 */

const SITI = "628111000001"; // a wallet whose transfers succeed once Cash In has them
const minute = 60_000;

type Fault = { name: string; mode: MockModeInput; reachesCashIn: boolean };

const topupFaults: Fault[] = [
  { name: "latency past the client's timeout", mode: { topupDelayMs: 900 }, reachesCashIn: true },
  { name: "HTTP 500, not processed", mode: { fault: "server_error", faultCalls: ["topup"] }, reachesCashIn: false },
  { name: "HTTP 500 after processing", mode: { fault: "server_error", faultCalls: ["topup"], faultAfterProcessing: true }, reachesCashIn: true },
  { name: "a garbage body", mode: { fault: "garbage", faultCalls: ["topup"], faultAfterProcessing: true }, reachesCashIn: true },
  { name: "429 too many requests", mode: { fault: "rate_limit", faultCalls: ["topup"] }, reachesCashIn: false },
  { name: "a connection reset mid-answer", mode: { fault: "reset", faultCalls: ["topup"], faultAfterProcessing: true }, reachesCashIn: true },
];

type SendPath = { name: string; send: (h: Harness, fault: MockModeInput) => Promise<{ transferId: number; reference: string }> };

const sendPaths: SendPath[] = [
  {
    name: "a single send",
    send: async (h, fault) => {
      h.gateway.setMode(fault);
      return expectOk(await h.send({ phone: SITI, amount: 20_000 }));
    },
  },
  {
    name: "an approval",
    send: async (h, fault) => {
      const created = expectOk(await h.send({ phone: SITI, amount: 6_000_000 }));
      h.gateway.setMode(fault);
      expectOk(await approveTransfer(h.deps, { actor: h.manager, ip: null }, { transferId: created.transferId }));
      return created;
    },
  },
  {
    name: "a retry as a new transfer",
    send: async (h, fault) => {
      // The original never reached Cash In (a 500 before processing), so after the grace period it failed as never sent.
      h.gateway.setMode({ fault: "server_error", faultCalls: ["topup"], faultTimes: 1 });
      const failed = expectOk(await h.send({ phone: SITI, amount: 20_000 }));
      h.advance(11 * minute);
      await reconcileDue(h.deps, { all: true });
      expect((await h.transfer(failed.transferId)).status).toBe("failed");
      h.gateway.setMode(fault);
      return expectOk(await h.send({ phone: SITI, amount: 20_000 }, h.staff, { retryOf: failed.transferId }));
    },
  },
];

describe("Faults on every path that sends (docs/lifecycle.md#money-safety-invariants)", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ timeoutMs: 300, slowTopupMs: 600 });
  });
  afterEach(() => h.close());

  for (const path of sendPaths) {
    for (const fault of topupFaults) {
      it(`${path.name} under ${fault.name}: processing, never resent, then settled by the status call`, async () => {
        const before = (await h.db.select().from(transfers)).length;
        const { transferId, reference } = await path.send(h, fault.mode);
        expect((await h.transfer(transferId)).status).toBe("processing");
        expect(h.topupsAtGateway(reference)).toHaveLength(1);

        h.gateway.setMode({});
        await new Promise((resolve) => setTimeout(resolve, fault.mode.topupDelayMs ?? 0));
        h.advance(5_000);
        await reconcileDue(h.deps);
        if (!fault.reachesCashIn) {
          // Not visible at Cash In: still processing through the grace period, then failed as never sent.
          expect((await h.transfer(transferId)).status).toBe("processing");
          h.advance(10 * minute);
          await reconcileDue(h.deps, { all: true });
        }
        expect((await h.transfer(transferId)).status).toBe(fault.reachesCashIn ? "succeeded" : "failed");
        expect(h.topupsAtGateway(reference)).toHaveLength(1);
        const created = path.name === "a retry as a new transfer" ? 2 : 1;
        expect(await h.db.select().from(transfers)).toHaveLength(before + created);
      });
    }
  }

  for (const fault of ["server_error", "garbage", "rate_limit", "reset"] as const) {
    it(`reconciliation under ${fault} on the status call keeps the transfer processing and never sends again`, async () => {
      const { transferId, reference } = expectOk(await h.send({ phone: "628111000002", amount: 20_000 }));
      h.gateway.setMode({ fault, faultCalls: ["status"] });
      for (const wait of [5_000, 15_000, minute]) {
        h.advance(wait);
        await reconcileDue(h.deps);
        expect((await h.transfer(transferId)).status).toBe("processing");
      }
      h.gateway.setMode({});
      for (let i = 0; i < 5 && (await h.transfer(transferId)).status === "processing"; i++) {
        h.advance(15 * minute);
        await reconcileDue(h.deps);
      }
      expect((await h.transfer(transferId)).status).toBe("succeeded");
      expect(h.topupsAtGateway(reference)).toHaveLength(1);
    });
  }

  it("reconciliation under latency past the client's timeout keeps it processing until an answer arrives", async () => {
    const { transferId } = expectOk(await h.send({ phone: "628111000002", amount: 20_000 }));
    h.gateway.setMode({ latencyMs: 700 });
    h.advance(5_000);
    await reconcileDue(h.deps);
    expect(await h.transfer(transferId)).toMatchObject({ status: "processing" });
    expect((await first(h.db.select().from(transfers).where(eq(transfers.id, transferId)).limit(1)))!.lastMessage).toMatch(/timeout|no answer/i);
  });
});
