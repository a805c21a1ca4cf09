import { CUSTOMER_NUMBER_PATTERN } from "./protocol";

/**
 * Staff type Indonesian mobile numbers many ways (`0812-3456-7890`, `+62 812 3456 7890`, `62812…`);
 * Cash In wants `628…` digits only (docs/gateway.md#bodies). Normalize first, then validate.
 */

export type PhoneResult = { ok: true; customerNumber: string } | { ok: false; message: string };

export function normalizePhone(input: string): PhoneResult {
  const compact = input.trim().replace(/[\s\-.()]/g, "");
  if (compact === "") return { ok: false, message: "Enter the wallet's phone number" };
  if (!/^\+?\d+$/.test(compact)) {
    return { ok: false, message: "A phone number may contain only digits, spaces, dashes and a leading +" };
  }
  const digits = compact.replace(/^\+/, "");
  const international = digits.startsWith("0") ? `62${digits.slice(1)}` : digits;
  if (!international.startsWith("628")) {
    return { ok: false, message: "Enter an Indonesian mobile number starting with 08, +62 8 or 628" };
  }
  if (!CUSTOMER_NUMBER_PATTERN.test(international)) {
    return { ok: false, message: "An Indonesian mobile number has 10 to 15 digits (628 and 7 to 12 more)" };
  }
  return { ok: true, customerNumber: international };
}

/** For logs (docs/architecture.md#security-and-performance): enough to tell numbers apart, not enough to reuse one. */
export function maskPhone(customerNumber: string): string {
  if (customerNumber.length <= 8) return "*".repeat(customerNumber.length);
  return `${customerNumber.slice(0, 5)}${"*".repeat(customerNumber.length - 9)}${customerNumber.slice(-4)}`;
}
