import type { CashinClient } from "@/lib/cashin/client";
import { signedRequestHeaders } from "@/lib/cashin/headers";
import { GATEWAY_PATHS, type GatewayCall } from "@/lib/cashin/protocol";
import type { Signer } from "@/lib/cashin/signer";
import { inParallel, interleavedThroughput, result, type CaseResult } from "../measure";

/** How the bench reaches the mock gateway: the same partner, channel and key as the client. */
export type GatewayTarget = { baseUrl: string; partnerId: string; channelId: string; signer: Signer };

export type PreSigned = { url: string; headers: Record<string, string>; body: string };

/** Requests signed ahead of time, each with its own X-EXTERNAL-ID (the gateway refuses a repeated one). */
export function preSign(target: GatewayTarget, call: GatewayCall, bodies: string[]): PreSigned[] {
  const path = GATEWAY_PATHS[call];
  return bodies.map((body) => ({
    url: `${target.baseUrl}${path}`,
    body,
    headers: signedRequestHeaders({ signer: target.signer, partnerId: target.partnerId, channelId: target.channelId, relativePath: path, body }).headers,
  }));
}

/** Sends pre-signed requests with bare `fetch`, `concurrency` at a time; fails on any answer but 200. */
export async function sendBare(requests: PreSigned[], concurrency: number): Promise<number> {
  await inParallel(requests.length, concurrency, async (i) => {
    const request = requests[i]!;
    const response = await fetch(request.url, { method: "POST", headers: request.headers, body: request.body });
    await response.text();
    if (response.status !== 200) throw new Error(`bare request answered ${response.status}`);
  });
  return requests.length;
}

let referenceCounter = 0;
export const nextReference = () => `BENCH${process.pid}${String(++referenceCounter).padStart(8, "0")}`;

const inquiryBody = (partnerReferenceNo: string) =>
  JSON.stringify({
    partnerReferenceNo,
    amount: { value: "250000.00", currency: "IDR" },
    customerNumber: "6281234567890",
    additionalInfo: { channel: "TOP_UP_E_WALLET_DANA" },
  });

/**
 * Case 4: inquiries per second through our client against bare `fetch` that signs each request as it
 * goes, at the same concurrency: every SNAP request needs its own RSA signature, so this is the honest
 * floor, and the target (issue 12) is measured against it. A second baseline sends requests signed
 * before the clock starts, to show what the signature itself costs; it has no target.
 */
export async function gatewayCase(
  client: CashinClient,
  target: GatewayTarget,
  { rounds, perRound, concurrency }: { rounds: number; perRound: number; concurrency: number },
): Promise<CaseResult[]> {
  const newBodies = (count: number) => Array.from({ length: count }, () => inquiryBody(nextReference()));
  const viaClient = async (count: number) => {
    await inParallel(count, concurrency, async () => {
      const answer = await client.inquiry({ partnerReferenceNo: nextReference(), wallet: "DANA", customerNumber: "6281234567890", amount: 250_000 });
      if (answer.kind !== "success") throw new Error(`client inquiry: ${answer.kind} ${answer.code ?? ""} ${answer.message}`);
    });
    return count;
  };
  const signingAsItGoes = async (count: number) => {
    const bodies = newBodies(count);
    await inParallel(count, concurrency, async (i) => sendBare(preSign(target, "inquiry", [bodies[i]!]), 1));
    return count;
  };

  // Warm every path up: connections, JIT, the mock's own caches.
  const warmup = Math.ceil(perRound / 5);
  await viaClient(warmup);
  await sendBare(preSign(target, "inquiry", newBodies(warmup)), concurrency);
  await signingAsItGoes(warmup);
  // The pre-signed baseline signs each round's requests before the clock starts.
  const batches = Array.from({ length: rounds }, () => preSign(target, "inquiry", newBodies(perRound)));
  const [ours, preSigned, signing] = await interleavedThroughput(rounds, [
    () => viaClient(perRound),
    () => sendBare(batches.pop()!, concurrency),
    () => signingAsItGoes(perRound),
  ]);
  return [
    result(`gateway client vs fetch signing each request (concurrency ${concurrency})`, "req/s", ours!, signing!, { of: "ratio", op: ">=", limit: 0.9 }),
    result("gateway client vs pre-signed fetch (signatures made before the clock)", "req/s", ours!, preSigned!),
  ];
}
