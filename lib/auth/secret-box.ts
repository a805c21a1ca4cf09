import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * Encryption at rest for TOTP secrets (docs/sign-in.md#second-factor): AES-256-GCM with a key derived
 * (HKDF-SHA256) from TOTP_KEY, or from AUTH_SECRET when TOTP_KEY is unset. Changing that key makes every
 * enrolled factor unreadable: the users then need an admin to reset their second factor.
 */

const version = "v1";

function keyMaterial(): string {
  const raw = process.env.TOTP_KEY?.trim() || process.env.AUTH_SECRET?.trim();
  if (!raw || raw.length < 32) throw new Error("TOTP_KEY (or AUTH_SECRET) must be set to 32+ random characters to store second factors");
  return raw;
}

let cached: { material: string; key: Buffer } | undefined;

function key(): Buffer {
  const material = keyMaterial();
  if (cached?.material !== material) {
    cached = { material, key: Buffer.from(hkdfSync("sha256", material, "cashin-payouts", "totp-secret-v1", 32)) };
  }
  return cached.key;
}

export function seal(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [version, iv.toString("base64url"), body.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
}

/** The plain text, or null when the box was sealed with another key or altered. */
export function open(sealed: string): string | null {
  const [v, iv, body, tag] = sealed.split(".");
  if (v !== version || !iv || !body || !tag) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
