import { describe, expect, it } from "vitest";
import { normalizePhone } from "@/lib/cashin/phone";
import { formatPhone, formatPhoneWithLibrary } from "@/lib/phone-display";

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

  it("writes every number exactly as libphonenumber does, for each three-digit start and length (the shapes it reuses)", () => {
    // A seeded generator: the same numbers on every run.
    let state = 12345;
    const digit = () => ((state = (state * 1103515245 + 12345) % 2 ** 31), String(state % 10));
    let compared = 0;
    for (let start = 0; start < 1000; start++) {
      const prefix = String(start).padStart(3, "0");
      for (let length = 1; length <= 15; length++) {
        // The first number of a start and length makes the shape; the next ones are written from it.
        for (let sample = 0; sample < 3; sample++) {
          const national = (prefix + Array.from({ length: 15 }, digit).join("")).slice(0, length);
          const number = `62${national}`;
          expect(formatPhone(number), number).toBe(formatPhoneWithLibrary(number));
          compared++;
        }
      }
    }
    expect(compared).toBe(45_000);
  });
});
