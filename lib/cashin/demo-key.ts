/**
 * `npm run keys:generate` writes this line above the private key's PEM block (RFC 7468 allows text before
 * it; OpenSSL and Node skip it), so the key stays recognisable as the demo's wherever it is copied, and
 * production start refuses it (docs/production.md#production-mode).
 */
export const demoKeyNote = "Demo key made by npm run keys:generate for the mock gateway: never register it with Cash In or use it in production.";

export function isDemoKey(pem: string): boolean {
  return pem.includes(demoKeyNote);
}
