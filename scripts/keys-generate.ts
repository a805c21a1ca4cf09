import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { EnvError, gatewayEnv } from "@/lib/env";
import { demoKeyNote } from "@/lib/cashin/demo-key";
import { KeyFileError, loadPrivateKey, loadPublicKey } from "@/lib/cashin/signer";

/**
 * `npm run keys:generate`: a demo RSA 2048 key pair at CASHIN_PRIVATE_KEY_PATH / CASHIN_PUBLIC_KEY_PATH,
 * written only where absent, so running it again never replaces a key that is in use. The private key carries
 * a note that marks it as the demo's: production start refuses it (docs/production.md#production-mode).
 */

function fingerprint(publicKey: KeyObject): string {
  const der = publicKey.export({ type: "spki", format: "der" });
  return `SHA256:${createHash("sha256").update(der).digest("base64")}`;
}

function writeNew(path: string, content: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, content, { mode, flag: "wx" });
  // The umask may have loosened the mode given at creation.
  chmodSync(path, mode);
}

function main(): void {
  const env = gatewayEnv();
  const privatePath = env.CASHIN_PRIVATE_KEY_PATH;
  const publicPath = env.CASHIN_PUBLIC_KEY_PATH;
  const hasPrivate = existsSync(privatePath);
  const hasPublic = existsSync(publicPath);

  if (!hasPrivate && hasPublic) {
    console.error(
      `A public key exists at ${publicPath} but no private key at ${privatePath}. Restore the private key, or remove the public key to generate a new pair.`,
    );
    process.exit(1);
  }

  if (hasPrivate) {
    const derived = createPublicKey(loadPrivateKey(privatePath));
    if (!hasPublic) {
      writeNew(publicPath, derived.export({ type: "spki", format: "pem" }).toString(), 0o644);
      console.log(`Private key found at ${privatePath}; wrote its public key to ${publicPath}.`);
    } else {
      const stored = loadPublicKey(publicPath);
      if (!stored.equals(derived)) {
        console.error(`${publicPath} is not the public key of ${privatePath}: the mock gateway would refuse every signature.`);
        process.exit(1);
      }
      console.log(`Key pair already present (${privatePath}, ${publicPath}); nothing to do.`);
    }
    console.log(`Public key fingerprint: ${fingerprint(derived)}`);
    return;
  }

  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeNew(privatePath, `${demoKeyNote}\n${privateKey.export({ type: "pkcs8", format: "pem" }).toString()}`, 0o600);
  writeNew(publicPath, publicKey.export({ type: "spki", format: "pem" }).toString(), 0o644);
  console.log(`Wrote a demo RSA 2048 key pair:`);
  console.log(`  private ${privatePath} (mode 600, never commit or share it)`);
  console.log(`  public  ${publicPath} (what the mock gateway verifies with)`);
  console.log(`Public key fingerprint: ${fingerprint(publicKey)}`);
  console.log(`For the real Cash In sandbox, register your own public key with Cash In and point the two paths at that pair.`);
  console.log(`Production refuses this pair: make yours with openssl (docs/production.md#production-mode).`);
}

try {
  main();
} catch (error) {
  if (error instanceof EnvError || error instanceof KeyFileError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
