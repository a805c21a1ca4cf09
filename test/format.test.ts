import { describe, expect, it } from "vitest";
import { formatFor, formatTimeNear } from "@/lib/format";

describe("Times near now are said the way a person says them, in Jakarta time", () => {
  // 10.00 WIB on 2 June 2025.
  const now = new Date("2025-06-02T03:00:00Z");

  it("names the Jakarta day only when it is not today (Indonesian)", () => {
    const { timeNear } = formatFor("id");
    expect(timeNear(new Date("2025-06-02T07:02:00Z"), now)).toBe("14.02 WIB");
    expect(timeNear(new Date("2025-06-03T07:02:00Z"), now)).toBe("14.02 WIB besok");
    expect(timeNear(new Date("2025-06-01T16:59:00Z"), now)).toBe("23.59 WIB kemarin");
    // 00.30 WIB on 3 June is already tomorrow in Jakarta, though still 2 June in UTC.
    expect(timeNear(new Date("2025-06-02T17:30:00Z"), now)).toBe("00.30 WIB besok");
    expect(timeNear(new Date("2025-06-05T07:02:00Z"), now)).toBe("5 Jun 2025 14.02 WIB");
  });

  it("and in English, which is also what the server writes outside any page", () => {
    expect(formatTimeNear(new Date("2025-06-02T07:02:00Z"), now)).toBe("14:02 WIB");
    expect(formatTimeNear(new Date("2025-06-03T07:02:00Z"), now)).toBe("14:02 WIB tomorrow");
    expect(formatTimeNear(new Date("2025-06-01T16:59:00Z"), now)).toBe("23:59 WIB yesterday");
    expect(formatTimeNear(new Date("2025-06-05T07:02:00Z"), now)).toBe("5 Jun 2025 14:02 WIB");
  });
});

describe("Amounts, numbers and dates per language (docs/language.md#dates-numbers-and-phone-numbers)", () => {
  const at = new Date("2026-12-01T06:59:00Z"); // 13.59 WIB

  it("reads the Indonesian way", () => {
    const format = formatFor("id");
    expect(format.rupiah(1_500_000)).toBe("Rp 1.500.000");
    expect(format.number(10_001)).toBe("10.001");
    expect(format.dateTime(at)).toBe("1 Des 2026 13.59 WIB");
    expect(format.dateTime(at, { seconds: true })).toBe("1 Des 2026 13.59.00 WIB");
    expect(format.date(new Date("2026-08-17T00:00:00Z"))).toBe("17 Agu 2026");
  });

  it("reads the English way", () => {
    const format = formatFor("en");
    expect(format.rupiah(1_500_000)).toBe("Rp 1,500,000");
    expect(format.number(10_001)).toBe("10,001");
    expect(format.dateTime(at)).toBe("1 Dec 2026 13:59 WIB");
    expect(format.dateTime(at, { seconds: true })).toBe("1 Dec 2026 13:59:00 WIB");
    expect(format.date(new Date("2026-09-17T00:00:00Z"))).toBe("17 Sep 2026");
  });
});
