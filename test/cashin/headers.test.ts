import { afterEach, describe, expect, it } from "vitest";
import { fixtureSigner } from "@/test/cashin/support";
import { jakartaTimestamp, newExternalId, signedRequestHeaders } from "@/lib/cashin/headers";

describe("docs/gateway.md#headers X-TIMESTAMP: Jakarta time whatever the server's time zone", () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  /** Node re-reads TZ when it is assigned; the offset check proves the zone really changed. */
  function inZone(tz: string, expectedOffsetMinutes: number) {
    process.env.TZ = tz;
    expect(new Date("2024-03-01T07:56:11Z").getTimezoneOffset()).toBe(expectedOffsetMinutes);
  }

  it("formats the instant as YYYY-MM-DDTHH:mm:ss+07:00 under TZ=UTC", () => {
    inZone("UTC", 0);
    expect(jakartaTimestamp(new Date("2024-03-01T07:56:11Z"))).toBe("2024-03-01T14:56:11+07:00");
  });

  it("gives the same text under TZ=America/New_York", () => {
    inZone("America/New_York", 300);
    expect(new Date("2024-03-01T07:56:11Z").getHours()).toBe(2);
    expect(jakartaTimestamp(new Date("2024-03-01T07:56:11Z"))).toBe("2024-03-01T14:56:11+07:00");
  });

  it("rolls over to the next Jakarta day in the evening UTC, in any zone", () => {
    for (const [tz, marchOffset] of [["UTC", 0], ["America/New_York", 300]] as const) {
      inZone(tz, marchOffset);
      expect(jakartaTimestamp(new Date("2024-06-30T20:30:00.999Z"))).toBe("2024-07-01T03:30:00+07:00");
    }
  });

  it("uses the current time by default", () => {
    expect(jakartaTimestamp()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);
  });
});

describe("docs/gateway.md#headers X-EXTERNAL-ID: numeric, at most 36 digits, new for every request", () => {
  it("is unique over 100,000 calls", () => {
    const ids = new Set<string>();
    for (let i = 0; i < 100_000; i += 1) ids.add(newExternalId());
    expect(ids.size).toBe(100_000);
    expect([...ids].filter((id) => !/^\d{1,36}$/.test(id))).toEqual([]);
  });

  it("is unique among requests that start in the same millisecond", () => {
    const sameMs = Date.now();
    const ids = new Set(Array.from({ length: 10_000 }, () => newExternalId(sameMs)));
    expect(ids.size).toBe(10_000);
  });
});

describe("docs/gateway.md#headers request headers", () => {
  it("carries the five SNAP headers and JSON content type, signed over the given body", () => {
    const signed = signedRequestHeaders({
      signer: fixtureSigner,
      partnerId: "CID1234567890",
      channelId: "95221",
      relativePath: "/api/v1.0/emoney/account-inquiry",
      body: "{}",
      at: new Date("2024-03-01T07:56:11Z"),
    });
    expect(Object.keys(signed.headers).sort()).toEqual(
      ["CHANNEL-ID", "Content-Type", "X-EXTERNAL-ID", "X-PARTNER-ID", "X-SIGNATURE", "X-TIMESTAMP"].sort(),
    );
    expect(signed.headers["X-TIMESTAMP"]).toBe("2024-03-01T14:56:11+07:00");
    expect(signed.headers["X-EXTERNAL-ID"]).toBe(signed.externalId);
    expect(signed.headers["X-SIGNATURE"]).toBe(
      fixtureSigner.sign({ method: "POST", relativePath: "/api/v1.0/emoney/account-inquiry", body: "{}", timestamp: signed.timestamp }),
    );
  });
});
