import { describe, expect, it } from "vitest";
import { formatTimeNear } from "@/lib/format";

describe("Times near now are said the way a person says them, in Jakarta time", () => {
  // 10.00 WIB on 2 June 2025.
  const now = new Date("2025-06-02T03:00:00Z");

  it("names the Jakarta day only when it is not today", () => {
    expect(formatTimeNear(new Date("2025-06-02T07:02:00Z"), now)).toBe("14.02 WIB");
    expect(formatTimeNear(new Date("2025-06-03T07:02:00Z"), now)).toBe("14.02 WIB tomorrow");
    expect(formatTimeNear(new Date("2025-06-01T16:59:00Z"), now)).toBe("23.59 WIB yesterday");
    // 00.30 WIB on 3 June is already tomorrow in Jakarta, though still 2 June in UTC.
    expect(formatTimeNear(new Date("2025-06-02T17:30:00Z"), now)).toBe("00.30 WIB tomorrow");
    expect(formatTimeNear(new Date("2025-06-05T07:02:00Z"), now)).toBe("05 Jun 2025 14.02 WIB");
  });
});
