import { createServer } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { GatewayCallRecord, TransferRequest } from "@/lib/cashin/client";
import type { MockGateway, MockModeInput, RecordedRequest } from "@/lib/cashin/mock/server";
import { newReference, startTestGateway, testClient } from "./support";

/** docs/gateway.md#response-codes ambiguity and the mock's test-only control endpoints (docs/mock-gateway.md#test-wallets), driven over HTTP as later fault tests will. */

let gateway: MockGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());
beforeEach(async () => {
  await control("POST", "/reset");
});

async function control(method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${gateway.url}/__control${path}`, {
    method,
    headers: body === undefined ? undefined : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

const setMode = (mode: MockModeInput) => control("POST", "/mode", mode);
const recorded = async (call?: string) =>
  ((await control("GET", `/requests${call ? `?call=${call}` : ""}`)).json as { requests: RecordedRequest[] }).requests;

const transfer = (customerNumber = "6281234567890"): TransferRequest => ({
  partnerReferenceNo: newReference(),
  wallet: "DANA",
  customerNumber,
  amount: 10_000,
});

describe("docs/mock-gateway.md#test-wallets control endpoints are off unless enabled", () => {
  it("a mock started without control answers 404 on /__control", async () => {
    const plain = await startTestGateway({ control: false });
    try {
      expect((await fetch(`${plain.url}/__control/requests`)).status).toBe(404);
      expect((await fetch(`${plain.url}/__control/reset`, { method: "POST" })).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});

describe("docs/mock-gateway.md#test-wallets control: recorded requests and reset", () => {
  it("lists every request that reached the gateway, filtered by call, with the signature redacted", async () => {
    const client = testClient(gateway);
    const request = transfer();
    await client.inquiry(request);
    await client.topup(request);
    const all = await recorded();
    expect(all.map((seen) => seen.call)).toEqual(["inquiry", "topup"]);
    const [topup] = await recorded("topup");
    expect(topup).toMatchObject({ partnerReferenceNo: request.partnerReferenceNo, httpStatus: 200, responseCode: "2003800" });
    expect(topup?.headers["x-signature"]).toBe("[redacted]");
  });

  it("reset forgets references, external ids and recorded requests", async () => {
    const client = testClient(gateway);
    const request = transfer();
    expect(await client.topup(request)).toMatchObject({ kind: "success" });
    await control("POST", "/reset");
    expect(await recorded()).toEqual([]);
    expect(await client.topup(request)).toMatchObject({ kind: "success" });
  });

  it("refuses an unknown mode with the reason", async () => {
    const answer = await setMode({ fault: "explode" } as unknown as MockModeInput);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.json)).toMatch(/fault/);
  });

  it("reports the mode in force", async () => {
    await setMode({ latencyMs: 5 });
    expect((await control("GET", "/mode")).json).toMatchObject({ latencyMs: 5, fault: null, holdTopups: false });
  });
});

describe("docs/mock-gateway.md#test-wallets control: a fault can be aimed at one wallet, so parallel tests do not feel it", () => {
  it("hits only the listed customer numbers", async () => {
    await setMode({ fault: "server_error", faultCalls: ["topup"], faultCustomerNumbers: ["628111000001"] });
    const client = testClient(gateway);
    expect(await client.topup(transfer("628111000001"))).toMatchObject({ kind: "ambiguous", cause: "server_error" });
    expect(await client.topup(transfer("6281234567890"))).toMatchObject({ kind: "success" });
  });
});

describe("docs/gateway.md#response-codes a 5xx is ambiguous: the status settles it", () => {
  it("a top-up lost before processing: ambiguous, and Cash In has no such transfer (07)", async () => {
    const client = testClient(gateway);
    const request = transfer();
    await setMode({ fault: "server_error", faultCalls: ["topup"] });
    expect(await client.topup(request)).toMatchObject({ kind: "ambiguous", cause: "server_error", httpStatus: 500 });
    expect(await client.status(request)).toMatchObject({ transferStatus: { code: "07" } });
  });

  it("a top-up processed, then answered with a 500: ambiguous, and the status says 00", async () => {
    const client = testClient(gateway);
    const request = transfer();
    await setMode({ fault: "server_error", faultCalls: ["topup"], faultAfterProcessing: true });
    expect(await client.topup(request)).toMatchObject({ kind: "ambiguous", cause: "server_error" });
    expect(await client.status(request)).toMatchObject({ transferStatus: { code: "00" } });
  });
});

describe("docs/gateway.md#response-codes an unreadable body is ambiguous", () => {
  it("a top-up answered with an HTML page", async () => {
    await setMode({ fault: "garbage" });
    expect(await testClient(gateway).topup(transfer())).toMatchObject({ kind: "ambiguous", cause: "unreadable_body", httpStatus: 200 });
  });
});

describe("docs/gateway.md#response-codes 429xx00: back off; a top-up's outcome is unknown", () => {
  it("top-up: ambiguous, rate limited, sent once", async () => {
    await setMode({ fault: "rate_limit" });
    expect(await testClient(gateway).topup(transfer())).toMatchObject({ kind: "ambiguous", cause: "rate_limited", code: "4293800" });
    expect(await recorded("topup")).toHaveLength(1);
  });
  it("inquiry: ambiguous, not retried at once", async () => {
    await setMode({ fault: "rate_limit" });
    expect(await testClient(gateway).inquiry(transfer())).toMatchObject({ kind: "ambiguous", cause: "rate_limited", attempts: 1 });
    expect(await recorded("inquiry")).toHaveLength(1);
  });
});

describe("docs/gateway.md#response-codes a connection cut mid-answer is ambiguous", () => {
  it("a top-up is never retried: exactly one reached the gateway", async () => {
    await setMode({ fault: "reset", faultCalls: ["topup"], faultAfterProcessing: true });
    const client = testClient(gateway);
    const request = transfer();
    const result = await client.topup(request);
    expect(result).toMatchObject({ kind: "ambiguous", cause: "network", attempts: 1 });
    expect(await recorded("topup")).toHaveLength(1);
    expect(await client.status(request)).toMatchObject({ transferStatus: { code: "00" } });
  });

  it("an inquiry is retried with a new X-EXTERNAL-ID and succeeds", async () => {
    await setMode({ fault: "reset", faultTimes: 1 });
    const records: GatewayCallRecord[] = [];
    const result = await testClient(gateway).inquiry(transfer(), { onCall: (record) => void records.push(record) });
    expect(result).toMatchObject({ kind: "success", customerName: "John", attempts: 2 });
    expect(records.map((record) => [record.attempt, record.outcome])).toEqual([
      [1, "ambiguous"],
      [2, "success"],
    ]);
    expect(records[0]?.error).toBeTruthy();
    const seen = await recorded("inquiry");
    expect(seen).toHaveLength(2);
    expect(seen[0]?.externalId).not.toBe(seen[1]?.externalId);
  });

  it("a status call is retried the same way", async () => {
    await setMode({ fault: "reset", faultTimes: 2, faultCalls: ["status"] });
    const result = await testClient(gateway).status({ partnerReferenceNo: newReference() });
    expect(result).toMatchObject({ kind: "success", attempts: 3, transferStatus: { code: "07" } });
  });
});

describe("docs/gateway.md#response-codes a timeout is ambiguous", () => {
  it("an inquiry that times out every time gives up after its retries, as a value", async () => {
    await setMode({ latencyMs: 400 });
    const result = await testClient(gateway, { timeoutMs: 100, transportRetries: 2 }).inquiry(transfer());
    expect(result).toMatchObject({ kind: "ambiguous", cause: "timeout", attempts: 3 });
  });

  it("a delayed top-up answer times out once, and the status says 00", async () => {
    await setMode({ topupDelayMs: 400 });
    const client = testClient(gateway, { timeoutMs: 100 });
    const request = transfer();
    expect(await client.topup(request)).toMatchObject({ kind: "ambiguous", cause: "timeout", attempts: 1 });
    await setMode({});
    expect(await recorded("topup")).toHaveLength(1);
    expect(await client.status(request)).toMatchObject({ transferStatus: { code: "00" } });
  });

  it("a held top-up is visible at the gateway before it is answered, and answered when released", async () => {
    await setMode({ holdTopups: true });
    const pending = testClient(gateway).topup(transfer());
    await expect.poll(async () => (await recorded("topup")).length).toBe(1);
    expect((await recorded("topup"))[0]?.httpStatus).toBeNull();
    await setMode({ holdTopups: false });
    expect(await pending).toMatchObject({ kind: "success" });
  });
});

describe("docs/gateway.md#response-codes a network error is ambiguous", () => {
  it("nothing listening: the inquiry is retried, then reported as a network failure", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const offline = { ...gateway, baseUrl: `http://127.0.0.1:${closedPort}/pg/fo` };
    const result = await testClient(offline, { transportRetries: 1 }).inquiry(transfer());
    expect(result).toMatchObject({ kind: "ambiguous", cause: "network", attempts: 2 });
    expect(result.kind === "ambiguous" && result.message).toMatch(/ECONNREFUSED/);
  });
});

describe("docs/mock-gateway.md#test-wallets faults can target one call and a number of requests", () => {
  it("a fault on status leaves inquiries alone", async () => {
    await setMode({ fault: "server_error", faultCalls: ["status"] });
    const client = testClient(gateway);
    const request = transfer();
    expect(await client.inquiry(request)).toMatchObject({ kind: "success" });
    expect(await client.status(request)).toMatchObject({ kind: "ambiguous", cause: "server_error" });
  });

  it("a fault limited to two requests clears itself", async () => {
    await setMode({ fault: "server_error", faultTimes: 2 });
    const client = testClient(gateway);
    const outcomes = [];
    for (let i = 0; i < 3; i += 1) outcomes.push((await client.topup(transfer())).kind);
    expect(outcomes).toEqual(["ambiguous", "ambiguous", "success"]);
  });
});
