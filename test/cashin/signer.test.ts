import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PRIVATE_KEY_PATH, PRIVATE_KEY_PKCS1_PATH, PUBLIC_KEY_PATH } from "@/test/cashin/support";
import { asymmetricStringToSign, createAsymmetricSigner, KeyFileError, loadPrivateKey, loadPublicKey, sha256Hex } from "@/lib/cashin/signer";

// The golden vectors of test/fixtures/snap-golden-vectors.md, computed with OpenSSL, not with Node.
const INQUIRY_BODY =
  '{"partnerReferenceNo":"REF1234567890","amount":{"value":"10000.00","currency":"IDR"},"customerNumber":"6281234567890","additionalInfo":{"channel":"TOP_UP_E_WALLET_DANA"}}';
const INQUIRY_HASH = "b2145a50e3f563beb92c360c80d219f38434961c6c2621039aee6108361da87b";
const STATUS_BODY = '{"originalPartnerReferenceNo":"REF1234567890","serviceCode":"38"}';
const STATUS_HASH = "60c272215fd6795e46a061c3a4c6b70b70aa7e60527d14b58f481b239013e9de";
const TIMESTAMP = "2024-03-01T14:56:11+07:00";
const STRING_TO_SIGN = `POST:/api/v1.0/emoney/account-inquiry:${INQUIRY_HASH}:${TIMESTAMP}`;
const SIGNATURE =
  "Roqv7rVtNrho77TFQ5bIfbi31OIov892bHBU+KxX1Pf815RmxTj4u1fWDCb6r/e/IMdHt91plVledtrJiTqAcWuDHeaY7T1z2BJOr9JKltQo5uFATeUotwbtsTCpgTmltVaddqfAd2jKxldAhCBHvP2qPBaZysNDpDFkfDsQcTV6drupxz936/9Ml6HBxOOUKPgH9gUgqNQqyon8dUCk7t/18G5cGHO1RvXwjDcCmG/WKMbaoFBOlSubGdSR+O9XyStfNK2bO9wz9K1zAshC2W/0AZHJxdvzsSs6UQlONdsGTDCOmlCC18oDEpB6Y3A1y+t8zwLGS8NjwG5hyX5cgQ==";

const inquiryInput = {
  method: "POST",
  relativePath: "/api/v1.0/emoney/account-inquiry",
  body: INQUIRY_BODY,
  timestamp: TIMESTAMP,
} as const;

describe("docs/gateway.md#signature signature: golden vectors", () => {
  it("hashes the inquiry body to the OpenSSL SHA-256", () => {
    expect(sha256Hex(INQUIRY_BODY)).toBe(INQUIRY_HASH);
  });

  it("hashes the status body to the OpenSSL SHA-256", () => {
    expect(sha256Hex(STATUS_BODY)).toBe(STATUS_HASH);
  });

  it("the body JSON.stringify gives for the inquiry object is byte for byte the vector's body", () => {
    const body = {
      partnerReferenceNo: "REF1234567890",
      amount: { value: "10000.00", currency: "IDR" },
      customerNumber: "6281234567890",
      additionalInfo: { channel: "TOP_UP_E_WALLET_DANA" },
    };
    expect(JSON.stringify(body)).toBe(INQUIRY_BODY);
  });

  it("builds the string to sign from method, relative path, body hash and timestamp", () => {
    expect(asymmetricStringToSign(inquiryInput)).toBe(STRING_TO_SIGN);
  });

  it("signs exactly like OpenSSL with the PKCS#8 private key", () => {
    expect(createAsymmetricSigner(loadPrivateKey(PRIVATE_KEY_PATH)).sign(inquiryInput)).toBe(SIGNATURE);
  });

  it("signs exactly like OpenSSL with the same key in PKCS#1", () => {
    expect(createAsymmetricSigner(loadPrivateKey(PRIVATE_KEY_PKCS1_PATH)).sign(inquiryInput)).toBe(SIGNATURE);
  });

  it("refuses to sign a path that still carries the /pg/fo prefix", () => {
    const signer = createAsymmetricSigner(loadPrivateKey(PRIVATE_KEY_PATH));
    expect(() => signer.sign({ ...inquiryInput, relativePath: "/pg/fo/api/v1.0/emoney/account-inquiry" })).toThrow(/\/pg\/fo/);
  });

  it("a different byte in the body gives a different signature", () => {
    const signer = createAsymmetricSigner(loadPrivateKey(PRIVATE_KEY_PATH));
    expect(signer.sign({ ...inquiryInput, body: INQUIRY_BODY.replace("10000.00", "10001.00") })).not.toBe(SIGNATURE);
  });
});

describe("docs/gateway.md#signature keys: loaded from PEM files with clear errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "cashin-keys-"));
  const write = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it("loads the public key the gateway verifies with", () => {
    expect(loadPublicKey(PUBLIC_KEY_PATH).type).toBe("public");
  });

  it("names the variable, the path and the fix when the private key file is missing", () => {
    const path = join(dir, "absent.pem");
    expect(() => loadPrivateKey(path)).toThrow(KeyFileError);
    expect(() => loadPrivateKey(path)).toThrow(/CASHIN_PRIVATE_KEY_PATH: no key file at ".*absent\.pem".*keys:generate/);
  });

  it("says so when a public key is given as the private one", () => {
    expect(() => loadPrivateKey(PUBLIC_KEY_PATH)).toThrow(/is a public key/);
  });

  it("says so when a private key is given as the public one", () => {
    expect(() => loadPublicKey(PRIVATE_KEY_PATH)).toThrow(/is a private key/);
  });

  it("rejects a file that is not a PEM key", () => {
    const path = write("garbage.pem", "this is not a key\n");
    expect(() => loadPrivateKey(path)).toThrow(/not a PEM RSA private key/);
    expect(() => loadPublicKey(path)).toThrow(/not a PEM RSA public key/);
  });

  it("rejects a key that is not RSA", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const path = write("ec.pem", privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    expect(() => loadPrivateKey(path)).toThrow(/ec key; Cash In needs RSA 2048/);
  });

  it("rejects an RSA key shorter than 2048 bits", () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const path = write("short.pem", privateKey.export({ type: "pkcs1", format: "pem" }).toString());
    expect(() => loadPrivateKey(path)).toThrow(/RSA 1024 key/);
  });

  it("never puts key material in its error messages", () => {
    const failure = (() => {
      try {
        loadPrivateKey(PUBLIC_KEY_PATH);
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(KeyFileError);
    const keyLines = readFileSync(PUBLIC_KEY_PATH, "utf8").split("\n").filter((line) => line.length > 0 && !line.startsWith("-----"));
    for (const line of keyLines) expect(String(failure)).not.toContain(line);
  });
});
