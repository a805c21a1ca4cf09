import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { GatewayCallRecord, TransferRequest } from "@/lib/cashin/client";
import type { MockGateway } from "@/lib/cashin/mock/server";
import { newReference, startScriptedGateway, startTestGateway, testClient, type ScriptedGateway } from "./support";

/**
 * docs/lifecycle.md#paying-twice-is-impossible "Echoes are checked": an answer whose reference, customer number or amount differs from what was
 * sent is refused (inquiry) or ambiguous (top-up, status), and recorded. The honest mock never does this, so a
 * scripted server gives correctly coded answers about something else.
 */

let scripted: ScriptedGateway;
let gateway: MockGateway;
beforeAll(async () => {
  scripted = await startScriptedGateway();
  gateway = await startTestGateway();
});
afterAll(() => Promise.all([scripted.close(), gateway.close()]));
beforeEach(() => scripted.reset());

const request: TransferRequest = { partnerReferenceNo: "REF-ECHO-1", wallet: "DANA", customerNumber: "6281234567890", amount: 10_000 };
/** What an honest answer echoes of `request`. */
const echo = { partnerReferenceNo: "REF-ECHO-1", amount: { value: "10000.00", currency: "IDR" }, customerNumber: "6281234567890" };

const differences = [
  ["reference", { partnerReferenceNo: "REF-ECHO-2" }, "reference differs"],
  ["customer number", { customerNumber: "6281299999999" }, "customer number differs"],
  ["amount", { amount: { value: "100000.00", currency: "IDR" } }, "amount differs"],
] as const;

function recording() {
  const records: GatewayCallRecord[] = [];
  return { records, onCall: (record: GatewayCallRecord) => void records.push(record) };
}

describe("docs/lifecycle.md#paying-twice-is-impossible echoes are checked: a look-up answered about something else is refused", () => {
  it.each(differences)("another %s: refused in words a finance person reads, recorded, not retried", async (_field, change, difference) => {
    scripted.answer(200, { responseCode: "2003700", responseMessage: "Successful", customerName: "John", ...echo, ...change });
    const { records, onCall } = recording();
    const result = await testClient(scripted).inquiry(request, { onCall });

    expect(result).toMatchObject({
      kind: "rejected",
      reason: "echo_mismatch",
      code: "2003700",
      message: `Cash In's answer did not match the look-up (${difference}), so it was not trusted. Nothing was sent.`,
      attempts: 1,
    });
    expect(records).toEqual([expect.objectContaining({ outcome: "rejected", error: `answer not trusted: ${difference}` })]);
    expect(JSON.parse(records[0]?.responseBody ?? "{}")).toMatchObject(change);
    expect(scripted.received).toHaveLength(1);
  });

  it("names every field that differs", async () => {
    scripted.answer(200, { responseCode: "2003700", customerName: "John", ...echo, customerNumber: "6281299999999", amount: { value: "1.00" } });
    const result = await testClient(scripted).inquiry(request);
    expect(result.kind === "rejected" && result.message).toContain("(customer number and amount differ)");
  });

  it("an amount that cannot be read is not the amount asked about", async () => {
    scripted.answer(200, { responseCode: "2003700", customerName: "John", ...echo, amount: { value: "10000.50" } });
    expect(await testClient(scripted).inquiry(request)).toMatchObject({ kind: "rejected", reason: "echo_mismatch" });
  });

  it("the same amount as a JSON number (10000.00) matches", async () => {
    scripted.answer(
      200,
      '{"responseCode":"2003700","customerName":"John","partnerReferenceNo":"REF-ECHO-1","amount":{"value":10000.00,"currency":"IDR"},"customerNumber":"6281234567890"}',
    );
    expect(await testClient(scripted).inquiry(request)).toMatchObject({ kind: "success", customerName: "John", amount: 10_000 });
  });

  it("fields absent from the answer are no mismatch", async () => {
    scripted.answer(200, { responseCode: "2003700", customerName: "John" });
    expect(await testClient(scripted).inquiry(request)).toMatchObject({ kind: "success", customerNumber: "6281234567890", amount: null });
  });
});

describe("docs/lifecycle.md#paying-twice-is-impossible echoes are checked: a top-up answered about something else is ambiguous", () => {
  it.each(differences)("2003800 with another %s: ambiguous, check its status, never resend; recorded", async (_field, change, difference) => {
    scripted.answer(200, { responseCode: "2003800", responseMessage: "Successful", ...echo, ...change });
    const { records, onCall } = recording();
    const result = await testClient(scripted).topup(request, { onCall });

    expect(result).toMatchObject({ kind: "ambiguous", cause: "echo_mismatch", code: "2003800", httpStatus: 200, attempts: 1 });
    expect(result.kind === "ambiguous" && result.message).toBe(
      `Cash In's answer did not match the transfer (${difference}). The transfer may or may not have been made: check its status, never send it again.`,
    );
    expect(records).toEqual([expect.objectContaining({ outcome: "ambiguous", error: `answer not trusted: ${difference}` })]);
  });

  it("2023800 in progress with another amount: ambiguous too", async () => {
    scripted.answer(202, { responseCode: "2023800", ...echo, amount: { value: 20000.0, currency: "IDR" } });
    expect(await testClient(scripted).topup(request)).toMatchObject({ kind: "ambiguous", cause: "echo_mismatch", httpStatus: 202 });
  });

  it("a matching echo, or none, leaves the code to decide", async () => {
    scripted.answer(200, { responseCode: "2003800", ...echo });
    expect(await testClient(scripted).topup(request)).toMatchObject({ kind: "success" });
    scripted.answer(202, { responseCode: "2023800" });
    expect(await testClient(scripted).topup(request)).toMatchObject({ kind: "in_progress" });
  });

  it("a body that cannot be read beyond its code stays as the code says", async () => {
    scripted.answer(200, { responseCode: "2003800", ...echo, customerNumber: { masked: true } });
    expect(await testClient(scripted).topup(request)).toMatchObject({ kind: "success" });
  });
});

describe("docs/lifecycle.md#paying-twice-is-impossible echoes are checked: a status answer about another amount or customer number is ambiguous", () => {
  const status = { responseCode: "2003900", originalPartnerReferenceNo: "REF-ECHO-1", latestTransactionStatus: "00", amount: { value: "10000.00" } };
  const expected = { amount: 10_000, customerNumber: "6281234567890" };

  it("another amount than the transfer's: ambiguous, recorded", async () => {
    scripted.answer(200, { ...status, amount: { value: 25000.0, currency: "IDR" } });
    const { records, onCall } = recording();
    const result = await testClient(scripted).status({ partnerReferenceNo: "REF-ECHO-1", expected }, { onCall });
    expect(result).toMatchObject({ kind: "ambiguous", cause: "echo_mismatch", code: "2003900", attempts: 1 });
    expect(records).toEqual([expect.objectContaining({ outcome: "ambiguous", error: "answer not trusted: amount differs" })]);
  });

  it("another customer number than the transfer's: ambiguous", async () => {
    scripted.answer(200, { ...status, customerNumber: "6281299999999" });
    expect(await testClient(scripted).status({ partnerReferenceNo: "REF-ECHO-1", expected })).toMatchObject({
      kind: "ambiguous",
      cause: "echo_mismatch",
    });
  });

  it("the same amount as a JSON number (10000.00) matches", async () => {
    scripted.answer(200, '{"responseCode":"2003900","originalPartnerReferenceNo":"REF-ECHO-1","latestTransactionStatus":"00","amount":{"value":10000.00}}');
    expect(await testClient(scripted).status({ partnerReferenceNo: "REF-ECHO-1", expected })).toMatchObject({
      kind: "success",
      amount: 10_000,
      transferStatus: { code: "00" },
    });
  });

  it("an answer without an amount is no mismatch; without `expected` nothing is compared", async () => {
    scripted.answer(200, { ...status, amount: undefined });
    expect(await testClient(scripted).status({ partnerReferenceNo: "REF-ECHO-1", expected })).toMatchObject({ kind: "success" });
    scripted.answer(200, { ...status, amount: { value: "25000.00" } });
    expect(await testClient(scripted).status({ partnerReferenceNo: "REF-ECHO-1" })).toMatchObject({ kind: "success", amount: 25_000 });
  });
});

describe("docs/lifecycle.md#paying-twice-is-impossible echoes are checked: the honest mock's answers pass", () => {
  it("inquiry, top-up and status with what was expected all succeed", async () => {
    const client = testClient(gateway);
    const honest: TransferRequest = { partnerReferenceNo: newReference(), wallet: "OVO", customerNumber: "628111000001", amount: 12_345 };
    expect(await client.inquiry(honest)).toMatchObject({ kind: "success" });
    expect(await client.topup(honest)).toMatchObject({ kind: "success" });
    expect(
      await client.status({ partnerReferenceNo: honest.partnerReferenceNo, expected: { amount: 12_345, customerNumber: "628111000001" } }),
    ).toMatchObject({ kind: "success", transferStatus: { code: "00" } });
    expect(await client.status({ partnerReferenceNo: honest.partnerReferenceNo, expected: { amount: 12_346 } })).toMatchObject({
      kind: "ambiguous",
      cause: "echo_mismatch",
    });
  });
});
