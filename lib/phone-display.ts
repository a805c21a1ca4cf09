import { parsePhoneNumberFromString } from "libphonenumber-js/min";

/**
 * A wallet's number the way people write it (`0812-3456-7890`), from the canonical `628…` digits Cash In
 * uses (docs/language.md#numbers-people-read). Exports keep the canonical form in its own column. A number
 * libphonenumber does not know as Indonesian is shown as `0` + the digits after 62, unchanged otherwise.
 */
export function formatPhone(customerNumber: string): string {
  const parsed = /^62\d+$/.test(customerNumber) ? parsePhoneNumberFromString(`+${customerNumber}`) : undefined;
  if (parsed?.country === "ID" && parsed.isValid()) return parsed.formatNational();
  return customerNumber.startsWith("62") ? `0${customerNumber.slice(2)}` : customerNumber;
}
