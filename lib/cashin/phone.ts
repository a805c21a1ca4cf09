import { msg } from "@/lib/i18n/translate";
import { CUSTOMER_NUMBER_PATTERN } from "./protocol";

/**
 * Staff type Indonesian mobile numbers many ways (`0812-3456-7890`, `+62 812 3456 7890`, `62812…`);
 * Cash In wants `628…` digits only (docs/gateway.md#bodies). Normalize first, then validate. The messages are in
 * the language of whoever reads them now (lib/i18n/translate.ts).
 */

export type PhoneResult = { ok: true; customerNumber: string } | { ok: false; message: string };

export function normalizePhone(input: string): PhoneResult {
  const compact = input.trim().replace(/[\s\-.()]/g, "");
  if (compact === "") return { ok: false, message: msg("server.phone.empty") };
  if (!/^\+?\d+$/.test(compact)) {
    return { ok: false, message: msg("server.phone.characters") };
  }
  const digits = compact.replace(/^\+/, "");
  const international = digits.startsWith("0") ? `62${digits.slice(1)}` : digits;
  if (!international.startsWith("628")) {
    return { ok: false, message: msg("server.phone.notMobile") };
  }
  if (!CUSTOMER_NUMBER_PATTERN.test(international)) {
    return { ok: false, message: msg("server.phone.length") };
  }
  return { ok: true, customerNumber: international };
}

/** For logs (docs/architecture.md#security-and-performance): enough to tell numbers apart, not enough to reuse one. */
export function maskPhone(customerNumber: string): string {
  if (customerNumber.length <= 8) return "*".repeat(customerNumber.length);
  return `${customerNumber.slice(0, 5)}${"*".repeat(customerNumber.length - 9)}${customerNumber.slice(-4)}`;
}
