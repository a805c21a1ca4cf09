import { describe, expect, it } from "vitest";
import { normalizePhone } from "@/lib/cashin/phone";
import { formatPhone } from "@/lib/phone-display";

describe("formatPhone", () => {
  it("writes Indonesian mobile numbers the way people do", () => {
    expect(formatPhone("6281234567890")).toBe("0812-3456-7890");
    expect(formatPhone("6285712345678")).toBe("0857-1234-5678");
    expect(formatPhone("628123456789")).toBe("0812-3456-789");
  });

  it("reads back to the same canonical number", () => {
    for (const n of ["6281234567890", "628111000012", "6285712345678", "62811100001"]) {
      expect(normalizePhone(formatPhone(n))).toEqual({ ok: true, customerNumber: n });
    }
  });

  it("leaves what it does not know as Indonesian readable, not lost", () => {
    expect(formatPhone("6289999")).toBe("089999");
    expect(formatPhone("12345")).toBe("12345");
  });
});
