import { randomBytes } from "node:crypto";
import { jakartaDate } from "@/lib/jakarta";

const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/**
 * A partnerReferenceNo (docs/gateway.md#bodies): prefix + Jakarta date + 12 random characters (60 bits), 23 characters
 * in all. Generated once per transfer and never reused for another attempt.
 */
export function newReference(prefix: "TRF" | "INQ" | "BAT", at: Date): string {
  const day = jakartaDate(at).replaceAll("-", "");
  const random = Array.from(randomBytes(12), (b) => alphabet[b % alphabet.length]).join("");
  return `${prefix}${day}${random}`;
}
