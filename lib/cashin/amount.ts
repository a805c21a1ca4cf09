/**
 * Amounts are whole rupiah (docs/limits.md#the-limits) and travel as strings ending in `.00` (docs/gateway.md#bodies).
 * Kept as JavaScript numbers: the protocol's 16 digits fit below Number.MAX_SAFE_INTEGER for any
 * amount a merchant would send, and the hard ceiling below keeps it that way.
 */

import { msg } from "@/lib/i18n/translate";

/** The protocol allows 19 characters (16 digits + ".00"); stay where numbers are exact. */
export const MAX_AMOUNT_RUPIAH = Number.MAX_SAFE_INTEGER;

export type AmountResult = { ok: true; rupiah: number; value: string } | { ok: false; message: string };

/**
 * Whole rupiah (a number, or a string of digits such as the CLI receives) → `"10000.00"`.
 * Rejects fractions, zero, negatives, non-numbers and anything over `max`, in the reader's language (the maximum
 * as that language writes numbers: `Rp 10.000.000` / `Rp 10,000,000`).
 */
export function toAmountValue(input: number | string, options: { max?: number } = {}): AmountResult {
  const max = Math.min(options.max ?? MAX_AMOUNT_RUPIAH, MAX_AMOUNT_RUPIAH);
  let rupiah: number;
  if (typeof input === "number") {
    rupiah = input;
  } else {
    const text = input.trim();
    // "10000.00" is still whole rupiah; "10000.5" or "1e4" are not what a person means.
    if (!/^-?\d+(\.0+)?$/.test(text)) {
      return { ok: false, message: msg("server.amount.notWhole", { input }) };
    }
    rupiah = Number(text);
  }
  if (!Number.isFinite(rupiah)) return { ok: false, message: msg("server.amount.notNumber") };
  if (!Number.isInteger(rupiah)) return { ok: false, message: msg("server.amount.cents") };
  if (rupiah <= 0) return { ok: false, message: msg("server.amount.notPositive") };
  if (rupiah > max) return { ok: false, message: msg("server.amount.atMost", { max }) };
  return { ok: true, rupiah, value: `${rupiah}.00` };
}

/** The amount of a gateway answer (already `"10000.00"`-shaped by the lenient schema) → rupiah. */
export function rupiahOfAmountValue(value: string): number | null {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match || (match[2] !== undefined && Number(match[2]) !== 0)) return null;
  const rupiah = Number(match[1]);
  return Number.isSafeInteger(rupiah) ? rupiah : null;
}
