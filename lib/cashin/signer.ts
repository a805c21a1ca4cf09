import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { GATEWAY_PATH_PREFIX } from "./protocol";

/**
 * SNAP request signing (docs/gateway.md#signature). Cash In uses the asymmetric variant; the interface stays small so the
 * symmetric one (HMAC-SHA512 over `METHOD:path:accessToken:bodyHash:timestamp`) can be added beside it.
 */

export interface SignInput {
  method: "POST";
  /** The path without `/pg/fo`, e.g. `/api/v1.0/emoney/topup`. */
  relativePath: string;
  /** Exactly the bytes that are sent: serialized once by the caller, never re-serialized here. */
  body: string;
  /** The X-TIMESTAMP header value. */
  timestamp: string;
}

export interface Signer {
  readonly scheme: "asymmetric";
  /** The X-SIGNATURE header value. */
  sign(input: SignInput): string;
}

export function sha256Hex(body: string): string {
  return createHash("sha256").update(body, "utf8").digest("hex");
}

export function asymmetricStringToSign(input: SignInput): string {
  // Signing the full URL path is the classic mistake with Cash In: refuse it loudly instead of getting 401s.
  if (input.relativePath.startsWith(`${GATEWAY_PATH_PREFIX}/`)) {
    throw new Error(`The signed path must not include ${GATEWAY_PATH_PREFIX}: got ${input.relativePath}`);
  }
  return `${input.method}:${input.relativePath}:${sha256Hex(input.body)}:${input.timestamp}`;
}

export function createAsymmetricSigner(privateKey: KeyObject): Signer {
  if (privateKey.type !== "private") throw new KeyFileError("The signer needs a private key");
  return {
    scheme: "asymmetric",
    sign: (input) => sign("sha256", Buffer.from(asymmetricStringToSign(input), "utf8"), privateKey).toString("base64"),
  };
}

/** A key file that cannot be used; the message says which file and what to do, never the key itself. */
export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyFileError";
  }
}

function readPem(path: string, variable: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new KeyFileError(
        `${variable}: no key file at "${path}". Run "npm run keys:generate" for a demo key pair, or point ${variable} at your key.`,
      );
    }
    throw new KeyFileError(`${variable}: cannot read "${path}" (${code ?? "unknown error"})`);
  }
}

const RSA_MIN_BITS = 2048;

function requireRsa2048(key: KeyObject, path: string, variable: string): KeyObject {
  if (key.asymmetricKeyType !== "rsa") {
    throw new KeyFileError(`${variable}: "${path}" holds a ${key.asymmetricKeyType ?? "non-RSA"} key; Cash In needs RSA 2048`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < RSA_MIN_BITS) {
    throw new KeyFileError(`${variable}: "${path}" holds an RSA ${bits} key; Cash In needs at least RSA ${RSA_MIN_BITS}`);
  }
  return key;
}

/** The merchant's private key: PKCS#8 or PKCS#1 PEM. */
export function loadPrivateKey(path: string, variable = "CASHIN_PRIVATE_KEY_PATH"): KeyObject {
  const pem = readPem(path, variable);
  if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem)) {
    throw new KeyFileError(
      `${variable}: "${path}" is a public key. Point ${variable} at the private key (PKCS#8 or PKCS#1 PEM).`,
    );
  }
  if (pem.includes("ENCRYPTED")) {
    throw new KeyFileError(`${variable}: "${path}" is encrypted with a passphrase; store it unencrypted with restricted permissions`);
  }
  try {
    return requireRsa2048(createPrivateKey({ key: pem, format: "pem" }), path, variable);
  } catch (error) {
    if (error instanceof KeyFileError) throw error;
    throw new KeyFileError(
      `${variable}: "${path}" is not a PEM RSA private key (expected PKCS#8 or PKCS#1 PEM)`,
    );
  }
}

/** A public key (SPKI `BEGIN PUBLIC KEY`, or PKCS#1 `BEGIN RSA PUBLIC KEY`) PEM, as the gateway holds it. */
export function loadPublicKey(path: string, variable = "CASHIN_PUBLIC_KEY_PATH"): KeyObject {
  const pem = readPem(path, variable);
  if (/-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) {
    throw new KeyFileError(`${variable}: "${path}" is a private key. Point ${variable} at the public key (BEGIN PUBLIC KEY).`);
  }
  try {
    return requireRsa2048(createPublicKey({ key: pem, format: "pem" }), path, variable);
  } catch (error) {
    if (error instanceof KeyFileError) throw error;
    throw new KeyFileError(`${variable}: "${path}" is not a PEM RSA public key (expected BEGIN PUBLIC KEY)`);
  }
}
