import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { currentRequestId, log, newRequestId, requestIdHeader, stampRequestId, withRequestContext } from "@/lib/log";
import { captureLogs } from "./support/log-capture";

/** SPEC §8.3 and docs/monitoring.md#logs: JSON lines with a request id; phone numbers masked. */
describe("Logs are JSON lines with a request id", () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it("writes one JSON object per line with level, time, message and the request context", () => {
    withRequestContext({ requestId: "00aa11bb22cc", userId: 7 }, () => log().info({ batchId: 3 }, "batch approved"));
    log().warn("no request here");
    const [inRequest, outside] = logs.lines();
    expect(inRequest).toEqual({ level: "info", time: expect.any(String), msg: "batch approved", requestId: "00aa11bb22cc", userId: 7, batchId: 3 });
    expect(new Date(inRequest!.time).toISOString()).toBe(inRequest!.time);
    expect(outside).toMatchObject({ level: "warn", msg: "no request here", requestId: null });
    expect(currentRequestId()).toBeNull();
  });

  it("masks a phone number wherever it is given: a field, a nested field, the message or an error", () => {
    log().info({ phone: "6281234567890", answer: { customerNumber: "+6281234567890" } }, "look-up for 081234567890");
    log().error({ err: new Error("echo differs: 628111000001") }, "refused");
    const text = logs.text();
    expect(text).not.toMatch(/8\d{9,}/);
    expect(text).toContain("62812****7890");
    expect(text).toContain("08123***7890");
    expect(text).toContain("62811***0001");
  });

  it("never writes a password, a second-factor code or a signature, even when a caller passes one", () => {
    const signIn = { email: "ayu@x.test", password: "correct horse battery staple", callbackUrl: "/" };
    log().info({ input: signIn, secondFactorCode: "123456", headers: { signature: "c2lnbmF0dXJl" } }, "sign-in");
    const text = logs.text();
    expect(text).not.toContain("correct horse");
    expect(text).not.toContain("123456");
    expect(text).not.toContain("c2lnbmF0dXJl");
    expect(logs.lines()[0]).toMatchObject({ input: { email: "ayu@x.test", password: "[redacted]" } });
  });
});

describe("Request ids", () => {
  it("are 12 hex characters and do not repeat", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newRequestId()));
    expect(ids.size).toBe(10_000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}$/);
  });

  it("replace whatever id a client sent", () => {
    const headers = new Headers({ [requestIdHeader]: "chosen-by-the-client" });
    const id = stampRequestId(headers);
    expect(id).not.toBe("chosen-by-the-client");
    expect(headers.get(requestIdHeader)).toBe(id);
  });
});
