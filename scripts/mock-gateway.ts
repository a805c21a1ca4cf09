import { EnvError, gatewayEnv } from "@/lib/env";
import { mockFlagsFromEnv } from "@/lib/cashin/mock/options";
import { startMockGateway, type RecordedRequest } from "@/lib/cashin/mock/server";
import { KeyFileError, loadPublicKey } from "@/lib/cashin/signer";

/** `npm run mock-gateway`: the mock Cash In gateway as its own process, on loopback (docs/mock-gateway.md#test-wallets). */

function logLine(request: RecordedRequest): void {
  const answer = request.fault === "reset" ? "connection cut" : `${request.httpStatus ?? "-"} ${request.responseCode ?? ""}`.trim();
  const fault = request.fault ? ` [fault ${request.fault}]` : "";
  console.log(
    `${request.receivedAt} ${request.call ?? request.path} ref=${request.partnerReferenceNo ?? "-"} ext=${request.externalId ?? "-"} → ${answer}${fault}`,
  );
}

async function main(): Promise<void> {
  const env = gatewayEnv();
  const flags = mockFlagsFromEnv(process.env, env.CASHIN_TIMEOUT_MS);
  if (!flags.ok) throw new EnvError(flags.problems);
  const gateway = await startMockGateway({
    publicKey: loadPublicKey(env.CASHIN_PUBLIC_KEY_PATH),
    partnerId: env.CASHIN_PARTNER_ID,
    channelId: env.CASHIN_CHANNEL_ID,
    port: env.MOCK_GATEWAY_PORT,
    slowTopupMs: flags.slowTopupMs,
    lateVisibilityMs: flags.lateVisibilityMs,
    control: flags.control,
    onRequest: logLine,
  });
  console.log(`Mock Cash In gateway on ${gateway.baseUrl}`);
  console.log(`  partner ${env.CASHIN_PARTNER_ID}, channel ${env.CASHIN_CHANNEL_ID}, public key ${env.CASHIN_PUBLIC_KEY_PATH}`);
  console.log(`  slow wallet 628111000005 answers after ${flags.slowTopupMs} ms`);
  console.log(`  late wallet 628111000010 shows its top-up after ${flags.lateVisibilityMs} ms (status 07 until then)`);
  console.log(`  control endpoints ${flags.control ? `on: ${gateway.url}/__control/{requests,reset,mode}` : "off (MOCK_GATEWAY_CONTROL=1 turns them on)"}`);

  const stop = () => {
    void gateway.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  if (error instanceof EnvError || error instanceof KeyFileError) {
    console.error(error.message);
  } else if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
    console.error(`Port ${process.env.MOCK_GATEWAY_PORT ?? 4010} is already in use: is a mock gateway already running? Set MOCK_GATEWAY_PORT to use another port.`);
  } else {
    console.error("Mock gateway failed to start:", error);
  }
  process.exit(1);
});
