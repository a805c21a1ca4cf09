import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { GatewayCallRecord, TransferRequest } from "@/lib/cashin/client";
import type { MockGateway } from "@/lib/cashin/mock/server";
import type { Wallet } from "@/lib/cashin/protocol";
import { fixtureSigner, newReference, startTestGateway, testClient } from "./support";

const LATE_VISIBILITY_MS = 1_000;

/** docs/mock-gateway.md#test-wallets: the real client against the real mock over HTTP, one test wallet row at a time. */

let gateway: MockGateway;
beforeAll(async () => {
  gateway = await startTestGateway({ slowTopupMs: 600, lateVisibilityMs: LATE_VISIBILITY_MS });
});
afterAll(() => gateway.close());

const transfer = (customerNumber: string, wallet: Wallet = "DANA", amount = 10_000): TransferRequest => ({
  partnerReferenceNo: newReference(),
  wallet,
  customerNumber,
  amount,
});

describe("docs/mock-gateway.md#test-wallets row 6281234567890: John, top-up 2003800, later 00", () => {
  it("inquiry names John and echoes the amount", async () => {
    const result = await testClient(gateway).inquiry(transfer("6281234567890", "DANA", 12_345));
    expect(result).toMatchObject({ kind: "success", code: "2003700", message: "Successful", customerName: "John", amount: 12_345 });
  });
  it("top-up succeeds, and its status is 00", async () => {
    const client = testClient(gateway);
    const request = transfer("6281234567890", "OVO");
    expect(await client.topup(request)).toMatchObject({ kind: "success", code: "2003800", httpStatus: 200, attempts: 1 });
    expect(await client.status(request)).toMatchObject({
      kind: "success",
      code: "2003900",
      transferStatus: { code: "00", state: "succeeded", final: true },
      originalReferenceNo: expect.stringMatching(/^TF\d+$/),
      amount: 10_000,
      description: "Success",
    });
  });
});

describe("docs/mock-gateway.md#test-wallets row 628111000001: Siti Rahayu, top-up 2003800, later 00", () => {
  it("inquiry, top-up and status", async () => {
    const client = testClient(gateway);
    const request = transfer("628111000001", "GOPAY");
    expect(await client.inquiry(request)).toMatchObject({ kind: "success", customerName: "Siti Rahayu" });
    expect(await client.topup(request)).toMatchObject({ kind: "success" });
    expect(await client.status(request)).toMatchObject({ transferStatus: { state: "succeeded" } });
  });
});

describe("docs/mock-gateway.md#test-wallets row 628111000002: Budi Santoso, 202 in progress, 03 twice then 00", () => {
  it("polls through pending to success", async () => {
    const client = testClient(gateway);
    const request = transfer("628111000002", "SHOPEEPAY");
    expect(await client.inquiry(request)).toMatchObject({ kind: "success", customerName: "Budi Santoso" });
    expect(await client.topup(request)).toMatchObject({ kind: "in_progress", code: "2023800", httpStatus: 202 });
    const states = [];
    for (let poll = 0; poll < 4; poll += 1) {
      const status = await client.status(request);
      states.push(status.kind === "success" ? status.transferStatus.code : status.kind);
    }
    expect(states).toEqual(["03", "03", "00", "00"]);
  });
});

describe("docs/mock-gateway.md#test-wallets row 628111000003: no such wallet", () => {
  it("inquiry is refused with 4043711", async () => {
    const result = await testClient(gateway).inquiry(transfer("628111000003"));
    expect(result).toMatchObject({ kind: "rejected", reason: "invalid_account", code: "4043711", gatewayMessage: "Invalid Account" });
  });
});

describe("docs/mock-gateway.md#test-wallets row 628111000004: Dewi Lestari, insufficient funds", () => {
  it("inquiry succeeds, top-up is refused with 4033814", async () => {
    const client = testClient(gateway);
    const request = transfer("628111000004");
    expect(await client.inquiry(request)).toMatchObject({ kind: "success", customerName: "Dewi Lestari" });
    expect(await client.topup(request)).toMatchObject({ kind: "rejected", reason: "insufficient_funds", code: "4033814" });
  });
});

describe("docs/mock-gateway.md#test-wallets row 628111000005: Agus Wijaya answers after the client's timeout, but succeeds", () => {
  it("the top-up yields 'ambiguous', not an exception, and the status then says 00", async () => {
    const client = testClient(gateway, { timeoutMs: 200 });
    const request = transfer("628111000005");
    expect(await client.inquiry(request)).toMatchObject({ kind: "success", customerName: "Agus Wijaya" });
    const started = Date.now();
    const result = await client.topup(request);
    expect(result).toMatchObject({ kind: "ambiguous", cause: "timeout", httpStatus: null, attempts: 1 });
    expect(result.kind === "ambiguous" && result.message).toMatch(/check its status, never send it again/);
    expect(Date.now() - started).toBeLessThan(550);
    expect(await client.status(request)).toMatchObject({ kind: "success", transferStatus: { code: "00", state: "succeeded" } });
  });
});

describe("docs/mock-gateway.md#test-wallets row 628111000006: Rina Kartika, 5003801 not processed, later 07", () => {
  it("the top-up is ambiguous (a 5xx), and the status says not found", async () => {
    const client = testClient(gateway);
    const request = transfer("628111000006");
    expect(await client.inquiry(request)).toMatchObject({ kind: "success", customerName: "Rina Kartika" });
    expect(await client.topup(request)).toMatchObject({ kind: "ambiguous", cause: "server_error", code: "5003801", httpStatus: 500 });
    expect(await client.status(request)).toMatchObject({ kind: "success", transferStatus: { code: "07", state: "not_found", final: false } });
  });
});

describe("docs/mock-gateway.md#test-wallets row 628111000007: Joko Susilo, 202 in progress, 03 then 06", () => {
  it("polls from pending to failed", async () => {
    const client = testClient(gateway);
    const request = transfer("628111000007");
    expect(await client.inquiry(request)).toMatchObject({ kind: "success", customerName: "Joko Susilo" });
    expect(await client.topup(request)).toMatchObject({ kind: "in_progress" });
    expect(await client.status(request)).toMatchObject({ transferStatus: { code: "03", state: "pending" } });
    expect(await client.status(request)).toMatchObject({ transferStatus: { code: "06", state: "failed", final: true } });
    expect(await client.status(request)).toMatchObject({ transferStatus: { code: "06" } });
  });
});

describe("docs/mock-gateway.md#test-wallets row 628111000008: inactive wallet", () => {
  it("inquiry is refused with 4033718", async () => {
    expect(await testClient(gateway).inquiry(transfer("628111000008"))).toMatchObject({
      kind: "rejected",
      reason: "inactive_account",
      code: "4033718",
    });
  });
});

describe("docs/mock-gateway.md#test-wallets row 628111000009: Hendra Gunawan, exceeds limit", () => {
  it("inquiry succeeds, top-up is refused with 4033802", async () => {
    const client = testClient(gateway);
    const request = transfer("628111000009");
    expect(await client.inquiry(request)).toMatchObject({ kind: "success", customerName: "Hendra Gunawan" });
    expect(await client.topup(request)).toMatchObject({ kind: "rejected", reason: "exceeds_amount_limit", code: "4033802" });
  });
});

describe("docs/mock-gateway.md#test-wallets row 628111000010: Yanti Permata, 202 in progress, 07 until lateVisibilityMs after the top-up, then 00", () => {
  it("the status answers exactly as for a reference Cash In never saw, then 00", async () => {
    const client = testClient(gateway);
    const request = transfer("628111000010");
    expect(await client.inquiry(request)).toMatchObject({ kind: "success", customerName: "Yanti Permata" });
    const toppedUpAt = Date.now();
    expect(await client.topup(request)).toMatchObject({ kind: "in_progress", code: "2023800" });

    const bodies: string[] = [];
    const keepBody = (record: GatewayCallRecord) => void bodies.push(record.responseBody ?? "");
    expect(await client.status(request, { onCall: keepBody })).toMatchObject({ transferStatus: { code: "07", state: "not_found" } });
    const never = newReference("NEVER");
    await client.status({ partnerReferenceNo: never }, { onCall: keepBody });
    expect(bodies[0]).toBe(bodies[1]?.replace(never, request.partnerReferenceNo));

    await expect
      .poll(async () => {
        const status = await client.status(request);
        return status.kind === "success" ? status.transferStatus.code : status.kind;
      }, { timeout: 5_000, interval: 100 })
      .toBe("00");
    expect(Date.now() - toppedUpAt).toBeGreaterThanOrEqual(LATE_VISIBILITY_MS);
  });
});

describe("docs/mock-gateway.md#test-wallets row 628111000011: Rudi Hartono, 2003800, 00 for the first 2 status calls, then 04", () => {
  it("succeeds, then is refunded", async () => {
    const client = testClient(gateway);
    const request = transfer("628111000011");
    expect(await client.inquiry(request)).toMatchObject({ kind: "success", customerName: "Rudi Hartono" });
    expect(await client.topup(request)).toMatchObject({ kind: "success", code: "2003800" });
    const codes = [];
    for (let poll = 0; poll < 4; poll += 1) {
      const status = await client.status(request);
      codes.push(status.kind === "success" ? status.transferStatus.code : status.kind);
    }
    expect(codes).toEqual(["00", "00", "04", "04"]);
  });
});

describe("docs/mock-gateway.md#test-wallets row 628111000012: Maya Sari, renamed Maya Sari Dewi from the 2nd look-up on", () => {
  const names = async (client: ReturnType<typeof testClient>, amount: number, times: number) => {
    const seen = [];
    for (let lookup = 0; lookup < times; lookup += 1) {
      const result = await client.inquiry(transfer("628111000012", "DANA", amount));
      seen.push(result.kind === "success" ? result.customerName : result.kind);
    }
    return seen;
  };

  it("the same number and amount: the new name from the 2nd look-up on; another amount starts over", async () => {
    const client = testClient(gateway);
    expect(await names(client, 31_000, 3)).toEqual(["Maya Sari", "Maya Sari Dewi", "Maya Sari Dewi"]);
    expect(await names(client, 32_000, 2)).toEqual(["Maya Sari", "Maya Sari Dewi"]);
  });

  it("top-up 2003800, later 00", async () => {
    const client = testClient(gateway);
    const request = transfer("628111000012", "DANA", 33_000);
    expect(await client.topup(request)).toMatchObject({ kind: "success", code: "2003800" });
    expect(await client.status(request)).toMatchObject({ transferStatus: { code: "00" } });
  });

  it("reset forgets the look-ups", async () => {
    const fresh = await startTestGateway();
    try {
      const client = testClient(fresh);
      expect(await names(client, 34_000, 2)).toEqual(["Maya Sari", "Maya Sari Dewi"]);
      fresh.reset();
      expect(await names(client, 34_000, 1)).toEqual(["Maya Sari"]);
    } finally {
      await fresh.close();
    }
  });
});

describe("docs/mock-gateway.md#test-wallets last row: any other valid 628… number", () => {
  it("has a deterministic name, a successful top-up and status 00", async () => {
    const client = testClient(gateway);
    const request = transfer("6285712345678", "OVO");
    const first = await client.inquiry(request);
    const second = await client.inquiry({ ...request, partnerReferenceNo: newReference() });
    expect(first).toMatchObject({ kind: "success", customerName: expect.stringMatching(/^\S+ \S+$/) });
    expect(second.kind === "success" && first.kind === "success" && second.customerName === first.customerName).toBe(true);
    expect(await client.topup(request)).toMatchObject({ kind: "success" });
    expect(await client.status(request)).toMatchObject({ transferStatus: { code: "00" } });
  });
  it("status of a reference Cash In never saw is 07", async () => {
    expect(await testClient(gateway).status({ partnerReferenceNo: newReference("NEVER") })).toMatchObject({
      kind: "success",
      transferStatus: { code: "07", state: "not_found" },
    });
  });
});

describe("docs/lifecycle.md#5-every-gateway-call-is-on-the-timeline: every call is reported, never with the signature", () => {
  it("the hook sees request, answer, status, duration, code and external id, and the bytes sent are the bytes signed", async () => {
    const records: GatewayCallRecord[] = [];
    const client = testClient(gateway, { onCall: (record) => void records.push(record) });
    const perCall: GatewayCallRecord[] = [];
    const request = transfer("6281234567890");
    await client.topup(request, { onCall: (record) => void perCall.push(record) });

    expect(records).toHaveLength(1);
    expect(perCall).toEqual(records);
    const [record] = records;
    expect(record).toMatchObject({
      call: "topup",
      path: "/api/v1.0/emoney/topup",
      url: `${gateway.baseUrl}/api/v1.0/emoney/topup`,
      attempt: 1,
      httpStatus: 200,
      responseCode: "2003800",
      outcome: "success",
      error: null,
    });
    expect(record?.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(record?.responseBody ?? "{}")).toMatchObject({ customerName: "John" });

    const received = gateway.requests().find((seen) => seen.externalId === record?.externalId);
    expect(received?.body).toBe(record?.requestBody);
    expect(received?.headers["x-timestamp"]).toBe(record?.timestamp);

    const signature = fixtureSigner.sign({
      method: "POST",
      relativePath: record?.path ?? "",
      body: record?.requestBody ?? "",
      timestamp: record?.timestamp ?? "",
    });
    expect(JSON.stringify(records)).not.toContain(signature);
  });

  it("a failing hook does not turn a sent top-up into an exception", async () => {
    const client = testClient(gateway, {
      onCall: () => {
        throw new Error("timeline store down");
      },
    });
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(await client.topup(transfer("6281234567890"))).toMatchObject({ kind: "success" });
      expect(logged).toHaveBeenCalledTimes(1);
    } finally {
      logged.mockRestore();
    }
  });
});
