import { parsePhoneNumberFromString } from "libphonenumber-js/min";

/**
 * A wallet's number the way people write it (`0812-3456-7890`), from the canonical `628…` digits Cash In
 * uses (docs/language.md#numbers-people-read). Exports keep the canonical form in its own column. A number
 * libphonenumber does not know as Indonesian is shown as `0` + the digits after 62, unchanged otherwise.
 */
export function formatPhone(customerNumber: string): string {
  if (!/^62\d+$/.test(customerNumber)) return customerNumber;
  const national = customerNumber.slice(2);
  // After 62 a 0 is read as a trunk prefix and dropped: such numbers (no wallet has one) go to the library each time.
  if (national.startsWith("0")) return formatWithLibrary(customerNumber);
  const key = `${national.slice(0, shapeDigits)}|${national.length}`;
  let shape = shapes.get(key);
  if (shape === undefined) {
    shape = shapeOf(national, formatWithLibrary(customerNumber));
    if (shapes.size >= maxShapes) shapes.clear();
    shapes.set(key, shape);
  }
  return shape === null ? formatWithLibrary(customerNumber) : applyShape(shape, national);
}

function formatWithLibrary(customerNumber: string): string {
  const parsed = parsePhoneNumberFromString(`+${customerNumber}`);
  if (parsed?.country === "ID" && parsed.isValid()) return parsed.formatNational();
  return `0${customerNumber.slice(2)}`;
}

/**
 * libphonenumber takes ~30 µs a number, most of an export's time (a 100,000-row export spent 3 s in it). Its
 * Indonesian metadata decides validity and grouping from the first three national digits and the length
 * alone (every other position is any digit) when the
 * number after 62 does not start with 0, so the output for one number is the output for every number
 * sharing those: its shape is kept, the first number's punctuation with slots for the digits, and applied
 * to the next. test/i18n/phone-display.test.ts compares this with the library over every such prefix and
 * length; should a newer metadata look deeper, that test fails and `shapeDigits` grows.
 */
const shapeDigits = 3;
const maxShapes = 10_000;
const shapes = new Map<string, Shape | null>();

/** The formatted text with each of the national number's digits as a slot (null), its literal prefix and separators as text. */
type Shape = (string | null)[];

function shapeOf(national: string, formatted: string): Shape | null {
  const digits = formatted.replace(/\D/g, "");
  if (!digits.endsWith(national)) return null;
  let literalDigits = digits.length - national.length;
  return [...formatted].map((char) => (/\d/.test(char) && literalDigits-- <= 0 ? null : char));
}

function applyShape(shape: Shape, national: string): string {
  let next = 0;
  let out = "";
  for (const part of shape) out += part ?? national[next++];
  return out;
}

/** For tests: the library's own answer, without the shapes. */
export const formatPhoneWithLibrary = (customerNumber: string): string => (/^62\d+$/.test(customerNumber) ? formatWithLibrary(customerNumber) : customerNumber);
