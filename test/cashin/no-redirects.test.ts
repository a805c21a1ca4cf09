import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { GatewayCallRecord, TransferRequest } from "@/lib/cashin/client";
import type { MockGateway } from "@/lib/cashin/mock/server";
import { GATEWAY_PATHS } from "@/lib/cashin/protocol";
import { newReference, startScriptedGateway, startTestGateway, testClient, type ScriptedGateway } from "./support";

/**
 * docs/lifecycle.md#paying-twice-is-impossible "No redirects": the client never follows a redirect. The mock's redirect fault points back at the very
 * URL asked for, so a client that followed it would show up as a second request at the gateway.
 */

let gateway: MockGateway;
let scripted: ScriptedGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
  scripted = await startScriptedGateway();
});
afterAll(() => Promise.all([gateway.close(), scripted.close()]));
beforeEach(() => {
  gateway.reset();
  scripted.reset();
});

const transfer = (): TransferRequest => ({ partnerReferenceNo: newReference(), wallet: "DANA", customerNumber: "6281234567890", amount: 10_000 });

describe("docs/lifecycle.md#paying-twice-is-impossible no redirects: Node's fetch with redirect: \"manual\" hands back the 3xx itself", () => {
  it("the 307 and its Location come back, and one request was sent", async () => {
    const elsewhere = `${scripted.baseUrl}/elsewhere`;
    scripted.answer(307, "", { Location: elsewhere });
    const response = await fetch(`${scripted.baseUrl}${GATEWAY_PATHS.topup}`, { method: "POST", body: "{}", redirect: "manual" });
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe(elsewhere);
    expect(scripted.received).toEqual(["{}"]);
  });
});

describe("docs/lifecycle.md#paying-twice-is-impossible no redirects: a 3xx on a top-up is ambiguous, never followed", () => {
  it("exactly one top-up reaches the gateway; the outcome is unknown; the call record keeps the 307 and where it pointed", async () => {
    gateway.setMode({ fault: "redirect", faultCalls: ["topup"] });
    const records: GatewayCallRecord[] = [];
    const result = await testClient(gateway).topup(transfer(), { onCall: (record) => void records.push(record) });

    expect(result).toMatchObject({ kind: "ambiguous", cause: "redirect", httpStatus: 307, attempts: 1 });
    expect(result.kind === "ambiguous" && result.message).toMatch(/redirect, which this app never follows.*check its status, never send it again/);
    expect(gateway.requests().map((seen) => [seen.call, seen.httpStatus, seen.fault])).toEqual([["topup", 307, "redirect"]]);
    expect(records).toEqual([
      expect.objectContaining({
        httpStatus: 307,
        outcome: "ambiguous",
        error: `redirect to ${gateway.baseUrl}${GATEWAY_PATHS.topup}, not followed`,
      }),
    ]);
  });

  it("a top-up Cash In processed before redirecting is found by the status call (00)", async () => {
    gateway.setMode({ fault: "redirect", faultCalls: ["topup"], faultAfterProcessing: true });
    const client = testClient(gateway);
    const request = transfer();
    expect(await client.topup(request)).toMatchObject({ kind: "ambiguous", cause: "redirect" });
    expect(await client.status(request)).toMatchObject({ kind: "success", transferStatus: { code: "00" } });
    expect(gateway.requests().filter((seen) => seen.call === "topup")).toHaveLength(1);
  });

  it("the redirect fault clears itself after faultTimes", async () => {
    gateway.setMode({ fault: "redirect", faultTimes: 1 });
    const client = testClient(gateway);
    expect(await client.topup(transfer())).toMatchObject({ kind: "ambiguous", cause: "redirect" });
    expect(await client.topup(transfer())).toMatchObject({ kind: "success" });
  });
});

describe("docs/lifecycle.md#paying-twice-is-impossible no redirects: a 3xx on an inquiry or a status call is an error pointing at CASHIN_BASE_URL", () => {
  it.each(["inquiry", "status"] as const)("%s: refused as redirected, sent once, not retried", async (call) => {
    gateway.setMode({ fault: "redirect" });
    const client = testClient(gateway);
    const records: GatewayCallRecord[] = [];
    const onCall = (record: GatewayCallRecord) => void records.push(record);
    const result = call === "inquiry" ? await client.inquiry(transfer(), { onCall }) : await client.status(transfer(), { onCall });

    expect(result).toMatchObject({ kind: "rejected", reason: "redirected", blame: "configuration", code: "307", httpStatus: 307, attempts: 1 });
    expect(result.kind === "rejected" && result.message).toMatch(/redirect, which this app never follows.*CASHIN_BASE_URL/);
    expect(gateway.requests()).toHaveLength(1);
    expect(records).toEqual([
      expect.objectContaining({ httpStatus: 307, outcome: "rejected", error: `redirect to ${gateway.baseUrl}${GATEWAY_PATHS[call]}, not followed` }),
    ]);
  });
});
