import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { approveTransfer } from "@/lib/transfers/approvals";
import { reconcileDue } from "@/lib/transfers/reconcile";
import { createHarness, expectOk, type Harness } from "./harness";

/** docs/architecture.md#security-and-performance: logs never contain a signature or a key, and phone numbers in them are masked. */
describe("What the transfer domain logs", () => {
  let h: Harness;
  let lines: string[];

  beforeEach(async () => {
    h = await createHarness({ timeoutMs: 300, slowTopupMs: 600 });
    lines = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 5 }))).join(" "));
      });
    }
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await h.close();
  });

  it("masks every phone number and never prints a signature or key, across sends, faults, approvals and reconciliation", async () => {
    const wallets = ["6281234567890", "628111000001", "628111000002", "628111000004", "628111000005", "628111000006", "628111000007", "628111000009"];
    for (const phone of wallets) await h.send({ phone, amount: 10_000 });
    h.gateway.setMode({ fault: "garbage", faultCalls: ["topup"], faultAfterProcessing: true });
    await h.send({ phone: "628111000001", amount: 11_000 });
    h.gateway.setMode({ fault: "server_error", faultCalls: ["status"] });
    h.advance(5_000);
    await reconcileDue(h.deps, { all: true });
    h.gateway.setMode({});
    const big = expectOk(await h.send({ phone: "6281234567890", amount: 6_000_000 }));
    await approveTransfer(h.deps, { actor: h.manager, ip: null }, { transferId: big.transferId });
    for (let i = 0; i < 4; i++) {
      h.advance(15 * 60_000);
      await reconcileDue(h.deps);
    }

    expect(lines.length).toBeGreaterThan(5);
    const text = lines.join("\n");
    expect(text).toMatch(/62812\*{4}7890/); // the masked form is what appears
    expect(text).not.toMatch(/628\d{7,12}/);
    expect(text).not.toMatch(/[A-Za-z0-9+/]{200,}={0,2}/); // an RSA-2048 signature is 344 base64 characters
    expect(text).not.toMatch(/PRIVATE KEY|X-SIGNATURE/i);
  });
});
