import { describe, expect, it } from "vitest";
import { classifyAnswer, classifyTransferStatus, echoDifference, isRateLimited, untrustedEcho, type GatewayAnswer } from "@/lib/cashin/codes";
import { GATEWAY_CALLS, SERVICE_CODES, type GatewayCall } from "@/lib/cashin/protocol";

const http = (httpStatus: number, responseCode: string | null, responseMessage = "msg"): GatewayAnswer => ({
  kind: "http",
  httpStatus,
  responseCode,
  responseMessage,
});
/** The code of docs/gateway.md#response-codes for a call: `codeOf("topup", 403, "14")` → 4033814. */
const codeOf = (call: GatewayCall, status: number, caseCode: string) => `${status}${SERVICE_CODES[call]}${caseCode}`;
const classify = (call: GatewayCall, status: number, caseCode: string) => classifyAnswer(call, http(status, codeOf(call, status, caseCode)));

describe("docs/gateway.md#response-codes response codes: 200xx00 successful", () => {
  it.each(GATEWAY_CALLS)("%s: success", (call) => {
    expect(classify(call, 200, "00")).toEqual({ kind: "success", code: codeOf(call, 200, "00"), message: "msg" });
  });
});

describe("docs/gateway.md#response-codes response codes: 202xx00 request in progress", () => {
  it("top-up: in progress, to be polled", () => {
    expect(classify("topup", 202, "00")).toMatchObject({ kind: "in_progress", code: "2023800" });
  });
  it.each(["inquiry", "status"] as const)("%s: an answer these calls never give, so ambiguous", (call) => {
    expect(classify(call, 202, "00")).toMatchObject({ kind: "ambiguous", cause: "unexpected_answer" });
  });
});

describe("docs/gateway.md#response-codes response codes: 400xx01 / 400xx02 are our bug, a definitive failure", () => {
  it.each(GATEWAY_CALLS)("%s", (call) => {
    expect(classify(call, 400, "01")).toMatchObject({ kind: "rejected", reason: "invalid_field_format", blame: "our_bug" });
    expect(classify(call, 400, "02")).toMatchObject({ kind: "rejected", reason: "missing_mandatory_field", blame: "our_bug" });
    expect(classify(call, 400, "00")).toMatchObject({ kind: "rejected", reason: "bad_request", blame: "our_bug" });
  });
});

describe("docs/gateway.md#response-codes response codes: 401xx00 unauthorized is a configuration problem", () => {
  it.each(GATEWAY_CALLS)("%s: rejected, and the message points at partner id, keys and clock", (call) => {
    const outcome = classify(call, 401, "00");
    expect(outcome).toMatchObject({ kind: "rejected", reason: "unauthorized", blame: "configuration" });
    expect(outcome.kind === "rejected" && outcome.message).toMatch(/CASHIN_PARTNER_ID.*key pair.*clock/);
  });
});

describe("docs/gateway.md#response-codes response codes: 403xx02/03/14/18 are the gateway's decision, with the reason", () => {
  it.each([
    ["02", "exceeds_amount_limit", /limit/],
    ["03", "suspected_fraud", /fraud/],
    ["14", "insufficient_funds", /balance/],
    ["18", "inactive_account", /inactive/],
  ] as const)("403xx%s → %s", (caseCode, reason, words) => {
    for (const call of GATEWAY_CALLS) {
      const outcome = classify(call, 403, caseCode);
      expect(outcome).toMatchObject({ kind: "rejected", reason, blame: "gateway_decision", gatewayMessage: "msg" });
      expect(outcome.kind === "rejected" && outcome.message).toMatch(words);
    }
  });
  it("another 403 case is still a refusal", () => {
    expect(classify("topup", 403, "05")).toMatchObject({ kind: "rejected", reason: "forbidden" });
  });
});

describe("docs/gateway.md#response-codes response codes: 404xx11 / 404xx01 / 404xx18", () => {
  it("404xx11: no such wallet", () => {
    const outcome = classify("inquiry", 404, "11");
    expect(outcome).toMatchObject({ kind: "rejected", reason: "invalid_account", blame: "gateway_decision" });
    expect(outcome.kind === "rejected" && outcome.message).toMatch(/No e-wallet account/);
  });
  it("404xx01: transaction not found", () => {
    expect(classify("status", 404, "01")).toMatchObject({ kind: "rejected", reason: "transaction_not_found" });
  });
  it("404xx18: same reference with other data is our bug", () => {
    expect(classify("topup", 404, "18")).toMatchObject({ kind: "rejected", reason: "inconsistent_request", blame: "our_bug" });
  });
});

describe("docs/gateway.md#response-codes response codes: 409xx00 duplicate X-EXTERNAL-ID", () => {
  it("top-up: the outcome is unknown, check the status", () => {
    const outcome = classify("topup", 409, "00");
    expect(outcome).toMatchObject({ kind: "ambiguous", cause: "duplicate_external_id", code: "4093800" });
    expect(outcome.kind === "ambiguous" && outcome.message).toMatch(/check its status, never send it again/);
  });
  it.each(["inquiry", "status"] as const)("%s: our bug, rejected", (call) => {
    expect(classify(call, 409, "00")).toMatchObject({ kind: "rejected", reason: "duplicate_external_id", blame: "our_bug" });
  });
});

describe("docs/gateway.md#response-codes response codes: 409xx01 duplicate partnerReferenceNo", () => {
  it("top-up: the transfer exists at Cash In, check the status and never resend", () => {
    expect(classify("topup", 409, "01")).toMatchObject({ kind: "ambiguous", cause: "duplicate_reference" });
  });
  it("inquiry: rejected", () => {
    expect(classify("inquiry", 409, "01")).toMatchObject({ kind: "rejected", reason: "duplicate_reference" });
  });
});

describe("docs/gateway.md#response-codes response codes: 429xx00 too many requests", () => {
  it.each(GATEWAY_CALLS)("%s: back off; the outcome is unknown", (call) => {
    expect(classify(call, 429, "00")).toMatchObject({ kind: "ambiguous", cause: "rate_limited" });
  });
});

describe("docs/gateway.md#response-codes response codes: 5xx, timeout, network error, unreadable body are ambiguous", () => {
  it.each([500, 502, 503, 504])("HTTP %i, whatever the body says", (status) => {
    expect(classifyAnswer("topup", http(status, "2003800"))).toMatchObject({ kind: "ambiguous", cause: "server_error" });
    expect(classifyAnswer("topup", http(status, codeOf("topup", 500, "01")))).toMatchObject({ kind: "ambiguous", cause: "server_error" });
  });
  it("a timeout", () => {
    expect(classifyAnswer("topup", { kind: "transport", error: "timeout", detail: "15000 ms" })).toMatchObject({
      kind: "ambiguous",
      cause: "timeout",
      code: null,
    });
  });
  it("a network error", () => {
    expect(classifyAnswer("inquiry", { kind: "transport", error: "network", detail: "ECONNRESET" })).toMatchObject({
      kind: "ambiguous",
      cause: "network",
    });
  });
  it("a body without a response code", () => {
    expect(classifyAnswer("topup", http(200, null))).toMatchObject({ kind: "ambiguous", cause: "unreadable_body" });
  });
  it("top-up ambiguity always says: check the status, never resend; other calls say: try again", () => {
    const topup = classifyAnswer("topup", { kind: "transport", error: "timeout", detail: "x" });
    const inquiry = classifyAnswer("inquiry", { kind: "transport", error: "timeout", detail: "x" });
    expect(topup.kind === "ambiguous" && topup.message).toMatch(/never send it again/);
    expect(inquiry.kind === "ambiguous" && inquiry.message).toMatch(/try again/);
  });
});

describe("docs/lifecycle.md#paying-twice-is-impossible no redirects: a 3xx on a top-up is ambiguous, elsewhere an error", () => {
  it.each([301, 302, 303, 307, 308])("top-up, HTTP %i: the outcome is unknown, check its status, never resend", (status) => {
    const outcome = classifyAnswer("topup", http(status, null, ""));
    expect(outcome).toMatchObject({ kind: "ambiguous", cause: "redirect", code: null });
    expect(outcome.kind === "ambiguous" && outcome.message).toContain(`never follows (HTTP ${status}; check CASHIN_BASE_URL)`);
    expect(outcome.kind === "ambiguous" && outcome.message).toMatch(/check its status, never send it again/);
  });
  it("top-up: a redirect is ambiguous even when its body claims success", () => {
    expect(classifyAnswer("topup", http(307, "2003800"))).toMatchObject({ kind: "ambiguous", cause: "redirect" });
  });
  it.each(["inquiry", "status"] as const)("%s: rejected as a configuration problem naming CASHIN_BASE_URL, with the HTTP status as its code", (call) => {
    const outcome = classifyAnswer(call, http(307, null, ""));
    expect(outcome).toMatchObject({ kind: "rejected", reason: "redirected", blame: "configuration", code: "307" });
    expect(outcome.kind === "rejected" && outcome.message).toMatch(/redirect, which this app never follows.*CASHIN_BASE_URL/);
  });
});

describe("docs/lifecycle.md#paying-twice-is-impossible echoes are checked", () => {
  const sent = { partnerReferenceNo: "REF1", customerNumber: "6281234567890", amount: 10_000 };
  it("an answer that echoes what was sent, in any amount spelling, differs in nothing", () => {
    expect(echoDifference(sent, { partnerReferenceNo: "REF1", customerNumber: "6281234567890", amount: { value: "10000.00" } })).toBeNull();
    expect(echoDifference(sent, { amount: { value: "10000" } })).toBeNull();
  });
  it("fields absent from the answer, or not sent, are not compared", () => {
    expect(echoDifference(sent, {})).toBeNull();
    expect(echoDifference(sent, { amount: {} })).toBeNull();
    expect(echoDifference({}, { partnerReferenceNo: "OTHER", customerNumber: "628", amount: { value: "1.00" } })).toBeNull();
  });
  it.each([
    [{ partnerReferenceNo: "REF2" }, "reference differs"],
    [{ customerNumber: "6281299999999" }, "customer number differs"],
    [{ amount: { value: "10001.00" } }, "amount differs"],
    [{ amount: { value: "10000.50" } }, "amount differs"],
    [{ customerNumber: "6281299999999", amount: { value: "1.00" } }, "customer number and amount differ"],
  ])("%j: %s", (answered, difference) => {
    expect(echoDifference(sent, answered)).toBe(difference);
  });
  it("an inquiry is refused in words; a top-up or status is ambiguous", () => {
    expect(untrustedEcho("inquiry", "2003700", "Successful", "amount differs")).toEqual({
      kind: "rejected",
      reason: "echo_mismatch",
      blame: "gateway_decision",
      code: "2003700",
      message: "Cash In's answer did not match the look-up (amount differs), so it was not trusted. Nothing was sent.",
      gatewayMessage: "Successful",
      difference: "amount differs",
    });
    expect(untrustedEcho("topup", "2003800", "Successful", "amount differs")).toMatchObject({ kind: "ambiguous", cause: "echo_mismatch", code: "2003800" });
    expect(untrustedEcho("status", "2003900", "Successful", "amount differs")).toMatchObject({ kind: "ambiguous", cause: "echo_mismatch" });
  });
});

describe("docs/gateway.md#bodies codes are classified by their structure, not by the page's typo rows", () => {
  it("2003800 is a success, even though the page also lists it as 'Invalid field format'", () => {
    expect(classifyAnswer("topup", http(200, "2003800", "Invalid field format"))).toMatchObject({ kind: "success" });
  });
  it("a code of another service cannot be trusted", () => {
    expect(classifyAnswer("topup", http(200, "2003700"))).toMatchObject({ kind: "ambiguous", cause: "unexpected_answer" });
  });
  it("a code that contradicts the HTTP status cannot be trusted", () => {
    expect(classifyAnswer("topup", http(200, "4033814"))).toMatchObject({ kind: "ambiguous", cause: "unexpected_answer" });
  });
  it("a code that is not seven digits cannot be trusted", () => {
    expect(classifyAnswer("topup", http(200, "OK"))).toMatchObject({ kind: "ambiguous", cause: "unexpected_answer" });
  });
  it("an unknown success case (200xx05) is not taken as success", () => {
    expect(classify("topup", 200, "05")).toMatchObject({ kind: "ambiguous", cause: "unexpected_answer" });
  });
});

describe("docs/gateway.md#transfer-statuses transfer status", () => {
  it.each([
    ["00", "succeeded", true, "Success"],
    ["01", "pending", false, "Initiated"],
    ["02", "pending", false, "Paying"],
    ["03", "pending", false, "Pending"],
    ["04", "refunded", true, "Refunded"],
    ["05", "failed", true, "Canceled"],
    ["06", "failed", true, "Failed"],
    ["07", "not_found", false, "Not found"],
  ] as const)("%s → %s (final: %s)", (code, state, final, label) => {
    expect(classifyTransferStatus(code)).toEqual({ code, state, final, label });
  });
  it("an unknown status is never taken as final", () => {
    expect(classifyTransferStatus("99")).toMatchObject({ state: "unknown", final: false });
  });
  it("tolerates padding", () => {
    expect(classifyTransferStatus(" 00 ")).toMatchObject({ state: "succeeded" });
  });
});

describe("docs/gateway.md#response-codes 429xx00 is decided once: callers pace themselves by the outcome", () => {
  it("marks a 429 answer as rate limited, and nothing else", () => {
    const answer = (httpStatus: number, responseCode: string): GatewayAnswer => ({ kind: "http", httpStatus, responseCode, responseMessage: "" });
    expect(isRateLimited(classifyAnswer("topup", answer(429, "4293800")))).toBe(true);
    expect(isRateLimited(classifyAnswer("inquiry", answer(429, "4293700")))).toBe(true);
    expect(isRateLimited(classifyAnswer("topup", answer(500, "5003800")))).toBe(false);
    expect(isRateLimited(classifyAnswer("topup", { kind: "transport", error: "timeout", detail: "no answer" }))).toBe(false);
    expect(isRateLimited(classifyAnswer("topup", answer(200, "2003800")))).toBe(false);
  });
});
