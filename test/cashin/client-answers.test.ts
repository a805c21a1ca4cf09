import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CashinRequestError, createCashinClient, type TransferRequest } from "@/lib/cashin/client";
import type { MockGateway } from "@/lib/cashin/mock/server";
import { CHANNEL_ID, PARTNER_ID, fixtureSigner, startScriptedGateway, startTestGateway, testClient, type ScriptedGateway } from "./support";

/**
 * How the client reads answers the strict mock never gives: a scripted server replies with whatever a test
 * sets with `answer`, so the client's leniency (docs/gateway.md#bodies) and caution (docs/gateway.md#response-codes) can be shown one by one.
 */

let scripted: ScriptedGateway;
beforeAll(async () => {
  scripted = await startScriptedGateway();
});
afterAll(() => scripted.close());
beforeEach(() => scripted.reset());

const client = () =>
  createCashinClient({ baseUrl: `${scripted.baseUrl}/`, partnerId: PARTNER_ID, channelId: CHANNEL_ID, signer: fixtureSigner, timeoutMs: 1000 });
const answer = (status: number, body: unknown) => scripted.answer(status, body);
const request: TransferRequest = { partnerReferenceNo: "REF1234567890", wallet: "DANA", customerNumber: "6281234567890", amount: 10_000 };

describe("docs/gateway.md#signature the client sends the golden-vector bytes", () => {
  it("the inquiry body is byte for byte vector 1's", async () => {
    answer(200, { responseCode: "2003700", customerName: "John" });
    await client().inquiry(request);
    expect(scripted.received).toEqual([
      '{"partnerReferenceNo":"REF1234567890","amount":{"value":"10000.00","currency":"IDR"},"customerNumber":"6281234567890","additionalInfo":{"channel":"TOP_UP_E_WALLET_DANA"}}',
    ]);
  });
  it("the status body is byte for byte vector 2's", async () => {
    answer(200, { responseCode: "2003900", latestTransactionStatus: "00" });
    await client().status({ partnerReferenceNo: "REF1234567890" });
    expect(scripted.received).toEqual(['{"originalPartnerReferenceNo":"REF1234567890","serviceCode":"38"}']);
  });
});

describe("docs/gateway.md#bodies answers are read leniently", () => {
  it("reads the provider page's inquiry example: amount as a number, padded message, unknown fields", async () => {
    answer(
      200,
      '{"responseCode":"2003700","responseMessage":" Successful ","partnerReferenceNo":"REF1234567890","amount":{"value":10000.00,"currency":"IDR"},"customerName":"John","customerNumber":"6281234567890","extra":{"x":1}}',
    );
    expect(await client().inquiry(request)).toMatchObject({ kind: "success", message: "Successful", customerName: "John", amount: 10_000 });
  });
  it("reads the provider page's status example, padded Cash In reference included", async () => {
    answer(200, {
      responseCode: "2003900",
      responseMessage: "Successful",
      originalPartnerReferenceNo: "REF1234567890",
      originalReferenceNo: " TF1234567890",
      serviceCode: "38",
      amount: { value: 10000.0, currency: "IDR" },
      latestTransactionStatus: "00",
      latestTransactionDesc: "Success",
    });
    expect(await client().status({ partnerReferenceNo: "REF1234567890" })).toMatchObject({
      kind: "success",
      originalReferenceNo: "TF1234567890",
      amount: 10_000,
      transferStatus: { state: "succeeded" },
      description: "Success",
    });
  });
  it("takes the description from transactionStatusDesc too", async () => {
    answer(200, { responseCode: "2003900", latestTransactionStatus: "03", transactionStatusDesc: "Pending at bank" });
    expect(await client().status({ partnerReferenceNo: "REF1" })).toMatchObject({ description: "Pending at bank" });
  });
  it("reads 404xx01 'transaction not found' as status 07", async () => {
    answer(404, { responseCode: "4043901", responseMessage: "Transaction Not Found" });
    expect(await client().status({ partnerReferenceNo: "REF1" })).toMatchObject({
      kind: "success",
      transferStatus: { code: "07", state: "not_found" },
    });
  });
});

describe("docs/gateway.md#response-codes the client never guesses", () => {
  it("a successful inquiry without the owner's name is ambiguous", async () => {
    answer(200, { responseCode: "2003700" });
    expect(await client().inquiry(request)).toMatchObject({ kind: "ambiguous", cause: "unexpected_answer" });
  });
  it("a status answer about another reference is ambiguous", async () => {
    answer(200, { responseCode: "2003900", originalPartnerReferenceNo: "SOMEONE-ELSE", latestTransactionStatus: "00" });
    expect(await client().status({ partnerReferenceNo: "REF1" })).toMatchObject({ kind: "ambiguous", cause: "unexpected_answer" });
  });
  it("a successful status without latestTransactionStatus is ambiguous", async () => {
    answer(200, { responseCode: "2003900" });
    expect(await client().status({ partnerReferenceNo: "REF1" })).toMatchObject({ kind: "ambiguous" });
  });
  it("a 202 on an inquiry is ambiguous", async () => {
    answer(202, { responseCode: "2023700" });
    expect(await client().inquiry(request)).toMatchObject({ kind: "ambiguous", cause: "unexpected_answer" });
  });
});

describe("docs/gateway.md#bodies strict requests: the client refuses to send what Cash In would refuse", () => {
  let gateway: MockGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway.close());

  it.each([
    ["an 08… number", { customerNumber: "081234567890" }],
    ["a fractional amount", { amount: 10.5 }],
    ["a zero amount", { amount: 0 }],
    ["a reference with a space", { partnerReferenceNo: "REF 1" }],
  ])("throws CashinRequestError for %s, and nothing reaches the gateway", async (_label, change) => {
    await expect(testClient(gateway).topup({ ...request, ...change })).rejects.toBeInstanceOf(CashinRequestError);
    expect(gateway.requests()).toEqual([]);
  });
});
