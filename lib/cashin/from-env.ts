import { gatewayEnv } from "@/lib/env";
import { createCashinClient, type CashinClient } from "./client";
import { createAsymmetricSigner, loadPrivateKey } from "./signer";

let cached: CashinClient | undefined;

/**
 * The process's Cash In client, configured from the environment (docs/architecture.md#configuration). Built on first use and kept, so
 * the private key is read once; throws EnvError or KeyFileError with a readable message when misconfigured.
 */
export function cashinClientFromEnv(): CashinClient {
  if (cached) return cached;
  const env = gatewayEnv();
  cached = createCashinClient({
    baseUrl: env.CASHIN_BASE_URL,
    partnerId: env.CASHIN_PARTNER_ID,
    channelId: env.CASHIN_CHANNEL_ID,
    timeoutMs: env.CASHIN_TIMEOUT_MS,
    signer: createAsymmetricSigner(loadPrivateKey(env.CASHIN_PRIVATE_KEY_PATH)),
  });
  return cached;
}
