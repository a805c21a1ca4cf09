import { describe, expect, it } from "vitest";
import { durationWords } from "@/lib/dashboard/duration";
import { lastDays, maxRangeDays, parseDashboardRange, rangeDays } from "@/lib/dashboard/range";

/** WIB wall-clock time → the instant. */
const wib = (iso: string) => new Date(`${iso}+07:00`);
const now = wib("2025-03-10T23:30:00");
const parse = (query: string, at = now) => parseDashboardRange(new URLSearchParams(query), at);
const defaultRange = { from: "2025-02-09", to: "2025-03-10" };

describe("The dashboard's range (docs/dashboard.md#the-range)", () => {
  it("is the last 30 Jakarta days, today included, without a range in the URL", () => {
    expect(parse("")).toEqual({ range: defaultRange, isDefault: true });
    expect(rangeDays(defaultRange)).toBe(30);
    // 23:30 WIB on 10 March is 16:30 UTC: still 10 March in Jakarta; 00:30 WIB on the 11th is already the 11th.
    expect(lastDays(wib("2025-03-11T00:30:00")).to).toBe("2025-03-11");
  });

  it("reads days as the URL carries them (yyyy-mm-dd) and as people type them (dd/mm/yyyy)", () => {
    expect(parse("from=2025-01-01&to=2025-01-31")).toEqual({ range: { from: "2025-01-01", to: "2025-01-31" }, isDefault: false });
    expect(parse("from=01/01/2025&to=31/01/2025")).toEqual({ range: { from: "2025-01-01", to: "2025-01-31" }, isDefault: false });
    // A phone's number pad has no "/": ddmmyyyy.
    expect(parse("from=01012025&to=31012025")).toEqual({ range: { from: "2025-01-01", to: "2025-01-31" }, isDefault: false });
    expect(parse("from=31022025").problem).toBe("dateInvalid");
    expect(parse("from=2025-02-09&to=2025-03-10").isDefault).toBe(true);
  });

  it("fills a missing end with today and a missing start with the 29 days before the end", () => {
    expect(parse("from=2025-03-01").range).toEqual({ from: "2025-03-01", to: "2025-03-10" });
    expect(parse("to=2025-01-31").range).toEqual({ from: "2025-01-02", to: "2025-01-31" });
    expect(parse("from=&to=").range).toEqual(defaultRange);
  });

  it("falls back to the default with the reason, never throwing, for a day that does not exist or cannot be read", () => {
    for (const query of ["from=2025-02-30", "to=31/13/2025", "from=yesterday", "from=2025-1-1&to=2025-01-31", "from=%00"]) {
      expect(parse(query), query).toEqual({ range: defaultRange, isDefault: true, problem: "dateInvalid" });
    }
  });

  it("refuses a start after the end", () => {
    expect(parse("from=2025-03-02&to=2025-03-01")).toEqual({ range: defaultRange, isDefault: true, problem: "fromAfterTo" });
    // One day is a range.
    expect(parse("from=2025-03-02&to=2025-03-02").range).toEqual({ from: "2025-03-02", to: "2025-03-02" });
  });

  it(`allows at most ${maxRangeDays} days`, () => {
    expect(parse("from=2024-01-01&to=2024-12-31")).toMatchObject({ range: { from: "2024-01-01", to: "2024-12-31" } });
    expect(rangeDays({ from: "2024-01-01", to: "2024-12-31" })).toBe(366);
    expect(parse("from=2024-01-01&to=2025-01-01")).toEqual({ range: defaultRange, isDefault: true, problem: "tooLong" });
  });

  it("takes the first value of a parameter given twice", () => {
    expect(parse("from=2025-01-01&from=garbage&to=2025-01-02").range).toEqual({ from: "2025-01-01", to: "2025-01-02" });
  });
});

describe("The median's duration in words", () => {
  it("reads seconds under a minute, minutes and seconds under an hour, else hours and minutes", () => {
    expect(durationWords(32_015)).toEqual({ unit: "seconds", seconds: 32 });
    expect(durationWords(59_400)).toEqual({ unit: "seconds", seconds: 59 });
    expect(durationWords(59_600)).toEqual({ unit: "minutes", minutes: 1, seconds: 0 });
    expect(durationWords(754_000)).toEqual({ unit: "minutes", minutes: 12, seconds: 34 });
    expect(durationWords(3 * 3600_000 + 25 * 60_000 + 40_000)).toEqual({ unit: "hours", hours: 3, minutes: 26 });
  });
});
