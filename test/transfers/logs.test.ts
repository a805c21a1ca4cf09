import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gatewayCalls } from "@/db/schema";
import { withRequestContext } from "@/lib/log";
import { approveTransfer } from "@/lib/transfers/approvals";
import { reconcileDue } from "@/lib/transfers/reconcile";
import { captureLogs } from "../support/log-capture";
import { createHarness, expectOk, type Harness } from "./harness";

/** docs/monitoring.md#logs: JSON lines, one per gateway call; never a signature or a key; phone numbers masked. */
describe("What the transfer domain logs", () => {
  let h: Harness;
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(async () => {
    h = await createHarness({ timeoutMs: 300, slowTopupMs: 600 });
    logs = captureLogs();
  });
  afterEach(async () => {
    logs.restore();
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

    expect(logs.lines().length).toBeGreaterThan(5);
    const text = logs.text();
    expect(text).toMatch(/62812\*{4}7890/); // the masked form is what appears
    // No number the test paid appears whole; nor any other phone-shaped number standing on its own (request ids
    // such as externalId are long digit strings that may contain "628…" inside them).
    for (const wallet of wallets) expect(text).not.toContain(wallet);
    expect(text).not.toMatch(/(?<!\d)628\d{7,12}(?!\d)/);
    expect(text).not.toMatch(/[A-Za-z0-9+/]{200,}={0,2}/); // an RSA-2048 signature is 344 base64 characters
    expect(text).not.toMatch(/PRIVATE KEY|X-SIGNATURE/i);
  });

  it("writes one line per gateway call, with the request id of the request that made it", async () => {
    h.gateway.setMode({ fault: "server_error", faultCalls: ["topup"] }); // ambiguous: the reconciler asks later
    const sent = await withRequestContext({ requestId: "feedc0ffee42", userId: h.staff.id }, () => h.send({ phone: "6281234567890", amount: 10_000 }));
    const { transferId } = expectOk(sent);
    h.gateway.setMode({});
    h.advance(60_000);
    await reconcileDue(h.deps, { all: true });

    const callLines = logs.lines().filter((line) => line.msg === "gateway call");
    expect(callLines).toHaveLength((await h.db.select().from(gatewayCalls)).length);
    const topup = callLines.find((line) => line.call === "topup");
    expect(topup).toMatchObject({ level: "info", requestId: "feedc0ffee42", userId: h.staff.id, transferId, outcome: expect.any(String), durationMs: expect.any(Number) });
    expect(topup).toHaveProperty("httpStatus");
    expect(topup).toHaveProperty("responseCode");
    expect(topup!.reference).toBe((await h.transfer(transferId)).reference);
    // The reconciler's calls belong to no request.
    expect(callLines.filter((line) => line.call === "status" && line.requestId === null).length).toBeGreaterThan(0);
  });
});
