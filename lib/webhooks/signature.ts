import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Signing webhooks the Standard Webhooks way (https://www.standardwebhooks.com, docs/webhooks.md#signatures):
 *
 *   secret    = "whsec_" + base64(32 random bytes)           (shown once to the admin, kept sealed)
 *   key       = the bytes of base64-decode(secret without "whsec_")
 *   signed    = "{webhook-id}.{webhook-timestamp}.{body}"     (the body exactly as sent)
 *   signature = "v1," + base64(HMAC-SHA256(key, signed))
 */

export const secretPrefix = "whsec_";

export function newSecret(): string {
  return secretPrefix + randomBytes(32).toString("base64");
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret, "base64");
}

export function sign(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac("sha256", keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/** The headers of one delivery attempt. */
export function signedHeaders(secret: string, id: string, timestamp: number, body: string): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "CashInPayouts-Webhooks/1",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": sign(secret, id, timestamp, body),
  };
}

/**
 * What a receiver does (the docs' snippet, kept here so a test proves it): recompute, compare in constant time against
 * each space-separated `v1,` signature, and refuse timestamps more than `toleranceS` from now (replays).
 */
export function verify(secret: string, headers: Record<string, string | undefined>, body: string, nowS = Math.floor(Date.now() / 1000), toleranceS = 300): boolean {
  const id = headers["webhook-id"];
  const timestamp = Number(headers["webhook-timestamp"]);
  const signatures = headers["webhook-signature"];
  if (!id || !Number.isInteger(timestamp) || !signatures || Math.abs(nowS - timestamp) > toleranceS) return false;
  const expected = Buffer.from(sign(secret, id, timestamp, body));
  return signatures.split(" ").some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
