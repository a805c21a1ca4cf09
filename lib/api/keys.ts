import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/*
 * An API key (docs/api.md#keys): `cip_` + an 8-character prefix + `_` + 43 characters (32 random bytes, base64url).
 * The prefix is not secret: it finds the key's row and names it on screens. Only the SHA-256 of the whole key is kept;
 * 256 random bits need no slow hash.
 */

const keyPattern = /^cip_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export type NewKey = { key: string; prefix: string; secretHash: string };

export function newApiKey(): NewKey {
  return keyWithPrefix(randomBytes(4).toString("hex"));
}

/** A new secret for a key whose prefix is already known (an approve key its manager shows: docs/api.md#keys). */
export function keyWithPrefix(prefix: string): NewKey {
  const key = `cip_${prefix}_${randomBytes(32).toString("base64url")}`;
  return { key, prefix, secretHash: hashOfKey(key) };
}

/**
 * The stored hash of an approve key that waits for its manager: of random bytes that are never kept or shown, so no
 * presented key matches it (docs/api.md#keys).
 */
export function unknowableHash(): string {
  return createHash("sha256").update(randomBytes(32)).digest("hex");
}

export function hashOfKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** The prefix of a well-formed key, or null. */
export function prefixOfKey(key: string): string | null {
  return keyPattern.exec(key)?.[1] ?? null;
}

/** Compares the presented key's hash with the stored one in constant time. */
export function keyMatches(key: string, storedHash: string): boolean {
  const presented = Buffer.from(hashOfKey(key), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
