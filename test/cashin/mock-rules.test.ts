import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockGateway } from "@/lib/cashin/mock/server";
import { jakartaTimestamp } from "@/lib/cashin/headers";
import { createAsymmetricSigner } from "@/lib/cashin/signer";
import { newReference, otherKeyPair, prefixedPathSigner, sendRaw, startTestGateway, testClient, transferBody } from "./support";

/**
 * "A request our client would send with any field or header wrong is refused by the mock with the code Cash
 * In would give": each test spoils one thing of an otherwise correct, correctly signed request.
 */

let gateway: MockGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

const inquiry = (body: Record<string, unknown> = transferBody()) => ({ call: "inquiry" as const, body: JSON.stringify(body) });

describe("docs/mock-gateway.md#test-wallets the mock accepts a correct request", () => {
  it("a correctly signed inquiry gets 2003700", async () => {
    expect(await sendRaw(gateway, inquiry())).toMatchObject({ status: 200, json: { responseCode: "2003700" } });
  });
});

describe("docs/gateway.md#headers mandatory headers: a missing one is 400xx02", () => {
  it.each(["X-TIMESTAMP", "X-PARTNER-ID", "X-EXTERNAL-ID", "X-SIGNATURE", "CHANNEL-ID"])("without %s", async (name) => {
    const answer = await sendRaw(gateway, { ...inquiry(), tamper: (headers) => void delete headers[name] });
    expect(answer).toMatchObject({ status: 400, json: { responseCode: "4003702", responseMessage: `Invalid Mandatory Field ${name}` } });
  });
});

describe("docs/gateway.md#headers X-TIMESTAMP: Jakarta format, within 5 minutes, else 401xx00", () => {
  it.each([
    ["in UTC with Z", (at: Date) => at.toISOString().replace(/\.\d{3}/, "")],
    ["with +00:00", (at: Date) => at.toISOString().slice(0, 19) + "+00:00"],
    ["without an offset", (at: Date) => jakartaTimestamp(at).slice(0, 19)],
    ["with milliseconds", (at: Date) => jakartaTimestamp(at).replace("+07:00", ".000+07:00")],
    ["as a day that does not exist", () => "2024-02-30T10:00:00+07:00"],
  ])("refuses a timestamp %s, even correctly signed", async (_label, stamp) => {
    const answer = await sendRaw(gateway, { ...inquiry(), timestamp: stamp(new Date()) });
    expect(answer).toMatchObject({ status: 401, json: { responseCode: "4013700", responseMessage: expect.stringMatching(/X-TIMESTAMP/) } });
  });

  it.each([
    ["6 minutes old", -6],
    ["6 minutes ahead", 6],
  ])("refuses a correctly signed timestamp %s", async (_label, minutes) => {
    const answer = await sendRaw(gateway, { ...inquiry(), at: new Date(Date.now() + minutes * 60_000) });
    expect(answer).toMatchObject({ status: 401, json: { responseCode: "4013700", responseMessage: expect.stringMatching(/X-TIMESTAMP/) } });
  });

  it("accepts a timestamp 4 minutes old", async () => {
    expect(await sendRaw(gateway, { ...inquiry(), at: new Date(Date.now() - 4 * 60_000) })).toMatchObject({ status: 200 });
  });
});

describe("docs/gateway.md#headers X-PARTNER-ID: an unknown partner is 401xx00", () => {
  it("refuses another partner id", async () => {
    const answer = await sendRaw(gateway, { ...inquiry(), tamper: (headers) => void (headers["X-PARTNER-ID"] = "CID9999999999") });
    expect(answer).toMatchObject({ status: 401, json: { responseCode: "4013700", responseMessage: expect.stringMatching(/PARTNER/) } });
  });
});

describe("docs/gateway.md#signature X-SIGNATURE: anything but the merchant's signature over the exact request is 401xx00", () => {
  const unauthorized = { status: 401, json: { responseCode: "4013700", responseMessage: "Unauthorized. Signature" } };

  it("refuses a signature over the path with /pg/fo", async () => {
    expect(await sendRaw(gateway, { ...inquiry(), signer: prefixedPathSigner })).toMatchObject(unauthorized);
  });

  it("refuses a signature made with another private key", async () => {
    const signer = createAsymmetricSigner(otherKeyPair().privateKey);
    expect(await sendRaw(gateway, { ...inquiry(), signer })).toMatchObject(unauthorized);
  });

  it("refuses a signature over another path", async () => {
    expect(await sendRaw(gateway, { ...inquiry(), signedPath: "/api/v1.0/emoney/topup" })).toMatchObject(unauthorized);
  });

  it("refuses a body re-serialized after signing (spaces added)", async () => {
    const body = transferBody();
    const answer = await sendRaw(gateway, { call: "inquiry", body: JSON.stringify(body, null, 1), signedBody: JSON.stringify(body) });
    expect(answer).toMatchObject(unauthorized);
  });

  it("refuses a body with keys reordered after signing", async () => {
    const body = transferBody();
    const { partnerReferenceNo, ...rest } = body;
    const answer = await sendRaw(gateway, {
      call: "inquiry",
      body: JSON.stringify({ ...rest, partnerReferenceNo }),
      signedBody: JSON.stringify(body),
    });
    expect(answer).toMatchObject(unauthorized);
  });

  it("refuses a signature made for another timestamp", async () => {
    const answer = await sendRaw(gateway, {
      ...inquiry(),
      tamper: (headers) => void (headers["X-TIMESTAMP"] = jakartaTimestamp(new Date(Date.now() - 1000))),
    });
    expect(answer).toMatchObject(unauthorized);
  });

  it("refuses a signature that is not base64", async () => {
    expect(await sendRaw(gateway, { ...inquiry(), tamper: (headers) => void (headers["X-SIGNATURE"] = "not base64!") })).toMatchObject(
      unauthorized,
    );
  });

  it("a mock holding another public key refuses our signature", async () => {
    const stranger = await startTestGateway({ publicKey: otherKeyPair().publicKey });
    try {
      const result = await testClient(stranger).inquiry({
        partnerReferenceNo: newReference(),
        wallet: "DANA",
        customerNumber: "6281234567890",
        amount: 10_000,
      });
      expect(result).toMatchObject({ kind: "rejected", reason: "unauthorized", blame: "configuration", code: "4013700" });
    } finally {
      await stranger.close();
    }
  });
});

describe("docs/gateway.md#headers X-EXTERNAL-ID and CHANNEL-ID formats: 400xx01", () => {
  it.each([
    ["a UUID external id (the page's example)", "X-EXTERNAL-ID", "3fa85f64-5717-4562-b3fc-2c963f66afa6"],
    ["a 37-digit external id", "X-EXTERNAL-ID", "1".repeat(37)],
    ["a non-numeric channel id", "CHANNEL-ID", "ABC"],
    ["a 6-digit channel id", "CHANNEL-ID", "123456"],
  ])("refuses %s", async (_label, name, value) => {
    const answer = await sendRaw(gateway, { ...inquiry(), tamper: (headers) => void (headers[name] = value) });
    expect(answer).toMatchObject({ status: 400, json: { responseCode: "4003701", responseMessage: `Invalid Field Format ${name}` } });
  });

  it("accepts a 36-digit external id", async () => {
    expect(await sendRaw(gateway, { ...inquiry(), externalId: "9".repeat(36) })).toMatchObject({ status: 200 });
  });

  it("refuses a channel id not registered for the partner with 401xx00", async () => {
    const answer = await sendRaw(gateway, { ...inquiry(), tamper: (headers) => void (headers["CHANNEL-ID"] = "12345") });
    expect(answer).toMatchObject({ status: 401, json: { responseCode: "4013700" } });
  });

  it("refuses a body not sent as application/json", async () => {
    const answer = await sendRaw(gateway, { ...inquiry(), tamper: (headers) => void (headers["Content-Type"] = "text/plain") });
    expect(answer).toMatchObject({ status: 400, json: { responseCode: "4003701" } });
  });
});

describe("docs/mock-gateway.md#test-wallets X-EXTERNAL-ID unique per day: a repeat is 409xx00", () => {
  it("refuses the second request with the same external id, even with another body", async () => {
    const externalId = `${Date.now()}424242`;
    expect(await sendRaw(gateway, { ...inquiry(), externalId })).toMatchObject({ status: 200 });
    expect(await sendRaw(gateway, { ...inquiry(), externalId })).toMatchObject({ status: 409, json: { responseCode: "4093700" } });
    expect(await sendRaw(gateway, { call: "status", body: JSON.stringify({ originalPartnerReferenceNo: "X1", serviceCode: "38" }), externalId })).toMatchObject({
      status: 409,
      json: { responseCode: "4093900" },
    });
  });
});

describe("docs/mock-gateway.md#test-wallets body that is not JSON: 400", () => {
  it("refuses a correctly signed non-JSON body", async () => {
    expect(await sendRaw(gateway, { call: "topup", body: "partnerReferenceNo=REF1" })).toMatchObject({
      status: 400,
      json: { responseCode: "4003800" },
    });
  });
});

describe("docs/gateway.md#bodies mandatory body fields: a missing one is 400xx02", () => {
  const base = transferBody();
  it.each([
    ["partnerReferenceNo", { ...base, partnerReferenceNo: undefined }],
    ["amount", { ...base, amount: undefined }],
    ["amount.value", { ...base, amount: { currency: "IDR" } }],
    ["amount.currency", { ...base, amount: { value: "10000.00" } }],
    ["customerNumber", { ...base, customerNumber: "" }],
    ["additionalInfo", { ...base, additionalInfo: undefined }],
    ["additionalInfo.channel", { ...base, additionalInfo: {} }],
  ])("without %s", async (field, body) => {
    const answer = await sendRaw(gateway, { call: "topup", body: JSON.stringify(body) });
    expect(answer).toMatchObject({ status: 400, json: { responseCode: "4003802", responseMessage: `Invalid Mandatory Field ${field}` } });
  });
});

describe("docs/gateway.md#bodies body formats: a malformed field is 400xx01", () => {
  const base = transferBody();
  it.each([
    ["an 08… number", "customerNumber", { ...base, customerNumber: "081234567890" }],
    ["a +62… number", "customerNumber", { ...base, customerNumber: "+6281234567890" }],
    ["a number with spaces", "customerNumber", { ...base, customerNumber: "62812 3456 7890" }],
    ["an amount without .00", "amount.value", { ...base, amount: { value: "10000", currency: "IDR" } }],
    ["an amount with cents", "amount.value", { ...base, amount: { value: "10000.50", currency: "IDR" } }],
    ["an amount sent as a number", "amount.value", { ...base, amount: { value: 10000, currency: "IDR" } }],
    ["a zero amount", "amount.value", { ...base, amount: { value: "0.00", currency: "IDR" } }],
    ["a 20-character amount", "amount.value", { ...base, amount: { value: "12345678901234567.00", currency: "IDR" } }],
    ["another currency", "amount.currency", { ...base, amount: { value: "10000.00", currency: "USD" } }],
    ["an unknown channel", "additionalInfo.channel", { ...base, additionalInfo: { channel: "TOP_UP_E_WALLET_LINKAJA" } }],
    ["the page's OVO typo", "additionalInfo.channel", { ...base, additionalInfo: { channel: "TRANSFER _E_WALLET_OVO" } }],
    ["a reference with a leading space", "partnerReferenceNo", { ...base, partnerReferenceNo: " REF1234567890" }],
    ["a 65-character reference", "partnerReferenceNo", { ...base, partnerReferenceNo: "R".repeat(65) }],
    ["amount as a string", "amount", { ...base, amount: "10000.00" }],
  ])("refuses %s", async (_label, field, body) => {
    const answer = await sendRaw(gateway, { call: "topup", body: JSON.stringify(body) });
    expect(answer).toMatchObject({ status: 400, json: { responseCode: "4003801", responseMessage: `Invalid Field Format ${field}` } });
  });

  it("refuses a JSON array body", async () => {
    expect(await sendRaw(gateway, { call: "inquiry", body: "[]" })).toMatchObject({ status: 400, json: { responseCode: "4003701" } });
  });
});

describe("docs/gateway.md#bodies status body", () => {
  const status = (body: Record<string, unknown>) => sendRaw(gateway, { call: "status", body: JSON.stringify(body) });
  it("refuses a status request for another service code", async () => {
    expect(await status({ originalPartnerReferenceNo: "REF1", serviceCode: "37" })).toMatchObject({
      status: 400,
      json: { responseCode: "4003901", responseMessage: "Invalid Field Format serviceCode" },
    });
  });
  it("refuses a service code sent as a number", async () => {
    expect(await status({ originalPartnerReferenceNo: "REF1", serviceCode: 38 })).toMatchObject({ json: { responseCode: "4003901" } });
  });
  it("refuses a status request without a reference", async () => {
    expect(await status({ serviceCode: "38" })).toMatchObject({ status: 400, json: { responseCode: "4003902" } });
  });
  it("answers 07 for a reference it never saw", async () => {
    expect(await status({ originalPartnerReferenceNo: newReference("UNKNOWN"), serviceCode: "38" })).toMatchObject({
      status: 200,
      json: { responseCode: "2003900", latestTransactionStatus: "07" },
    });
  });
});

describe("docs/mock-gateway.md#test-wallets partnerReferenceNo idempotency", () => {
  it("a repeated top-up with the same data is 409xx01, and nothing is paid twice", async () => {
    const body = transferBody();
    expect(await sendRaw(gateway, { call: "topup", body: JSON.stringify(body) })).toMatchObject({ json: { responseCode: "2003800" } });
    expect(await sendRaw(gateway, { call: "topup", body: JSON.stringify(body) })).toMatchObject({
      status: 409,
      json: { responseCode: "4093801" },
    });
  });

  it("the same reference with other data is 404xx18", async () => {
    const body = transferBody();
    expect(await sendRaw(gateway, { call: "topup", body: JSON.stringify(body) })).toMatchObject({ json: { responseCode: "2003800" } });
    const other = { ...body, amount: { value: "20000.00", currency: "IDR" } };
    expect(await sendRaw(gateway, { call: "topup", body: JSON.stringify(other) })).toMatchObject({
      status: 404,
      json: { responseCode: "4043818" },
    });
  });

  it("the client reports a repeated reference as ambiguous: check the status, never resend", async () => {
    const client = testClient(gateway);
    const request = { partnerReferenceNo: newReference(), wallet: "DANA" as const, customerNumber: "6281234567890", amount: 5000 };
    expect(await client.topup(request)).toMatchObject({ kind: "success" });
    expect(await client.topup(request)).toMatchObject({ kind: "ambiguous", cause: "duplicate_reference", code: "4093801" });
  });

  it("an inquiry does not use up the reference of the top-up that follows it", async () => {
    const client = testClient(gateway);
    const request = { partnerReferenceNo: newReference(), wallet: "DANA" as const, customerNumber: "6281234567890", amount: 5000 };
    expect(await client.inquiry(request)).toMatchObject({ kind: "success" });
    expect(await client.inquiry(request)).toMatchObject({ kind: "success" });
    expect(await client.topup(request)).toMatchObject({ kind: "success" });
  });
});

describe("docs/mock-gateway.md#test-wallets other paths and methods", () => {
  it("answers GET / for health checks", async () => {
    const response = await fetch(`${gateway.url}/`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok" });
  });
  it("refuses GET on a gateway path with 405", async () => {
    expect((await fetch(`${gateway.baseUrl}/api/v1.0/emoney/topup`)).status).toBe(405);
  });
  it("knows only the three paths under /pg/fo", async () => {
    expect((await fetch(`${gateway.url}/api/v1.0/emoney/topup`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${gateway.baseUrl}/api/v1.0/emoney/refund`, { method: "POST" })).status).toBe(404);
  });
});
