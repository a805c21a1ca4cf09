import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createCashinClient, type CashinClient, type CashinClientConfig } from "@/lib/cashin/client";
import { signedRequestHeaders } from "@/lib/cashin/headers";
import { startMockGateway, type MockGateway, type MockGatewayOptions } from "@/lib/cashin/mock/server";
import { GATEWAY_PATHS, type GatewayCall } from "@/lib/cashin/protocol";
import { createAsymmetricSigner, loadPrivateKey, loadPublicKey, sha256Hex, type Signer } from "@/lib/cashin/signer";

/** Shared set-up for the gateway tests: the fixture keys, a mock on a free port, a client pointed at it. */

export const fixturePath = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

export const PRIVATE_KEY_PATH = fixturePath("snap-test-private.pem");
export const PRIVATE_KEY_PKCS1_PATH = fixturePath("snap-test-private-pkcs1.pem");
export const PUBLIC_KEY_PATH = fixturePath("snap-test-public.pem");

export const PARTNER_ID = "CID1234567890";
export const CHANNEL_ID = "95221";

export const fixtureSigner = createAsymmetricSigner(loadPrivateKey(PRIVATE_KEY_PATH));

let strangerKeys: { privateKey: KeyObject; publicKey: KeyObject } | undefined;
/** A second RSA 2048 pair, not the merchant's; generated once per test file because it is slow. */
export function otherKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  strangerKeys ??= generateKeyPairSync("rsa", { modulusLength: 2048 });
  return strangerKeys;
}

/** Signs like the real signer but over the full URL path, the classic mistake the real signer refuses to make. */
export const prefixedPathSigner: Signer = {
  scheme: "asymmetric",
  sign: (input) =>
    sign("sha256", Buffer.from(`POST:/pg/fo${input.relativePath}:${sha256Hex(input.body)}:${input.timestamp}`), loadPrivateKey(PRIVATE_KEY_PATH)).toString(
      "base64",
    ),
};

export function startTestGateway(overrides: Partial<MockGatewayOptions> = {}): Promise<MockGateway> {
  return startMockGateway({
    publicKey: loadPublicKey(PUBLIC_KEY_PATH),
    partnerId: PARTNER_ID,
    channelId: CHANNEL_ID,
    slowTopupMs: 600,
    control: true,
    ...overrides,
  });
}

export function testClient(gateway: Pick<MockGateway, "baseUrl">, overrides: Partial<CashinClientConfig> = {}): CashinClient {
  return createCashinClient({
    baseUrl: gateway.baseUrl,
    partnerId: PARTNER_ID,
    channelId: CHANNEL_ID,
    signer: fixtureSigner,
    timeoutMs: 2000,
    retryDelayMs: 10,
    ...overrides,
  });
}

let referenceCounter = 0;
/** A fresh partnerReferenceNo per test, so no test depends on another's state. */
export function newReference(prefix = "REF"): string {
  referenceCounter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${referenceCounter}`;
}

export interface RawRequest {
  call: GatewayCall;
  /** Serialized body: sent as is, and signed as is unless `signedBody` says otherwise. */
  body: string;
  signedBody?: string;
  signedPath?: string;
  at?: Date;
  /** An X-TIMESTAMP of any shape, signed as is. */
  timestamp?: string;
  signer?: Signer;
  externalId?: string;
  /** Change the headers after signing. */
  tamper?: (headers: Record<string, string>) => void;
}

/**
 * A correctly signed request, built with the client's own header code, then spoiled in exactly one way, to
 * prove the mock refuses what Cash In would refuse.
 */
export async function sendRaw(gateway: MockGateway, request: RawRequest): Promise<{ status: number; json: Record<string, unknown> }> {
  const path = GATEWAY_PATHS[request.call];
  const signer = request.signer ?? fixtureSigner;
  const relativePath = request.signedPath ?? path;
  const signedBody = request.signedBody ?? request.body;
  const signed = signedRequestHeaders({
    signer,
    partnerId: PARTNER_ID,
    channelId: CHANNEL_ID,
    relativePath,
    body: signedBody,
    at: request.at,
    externalId: request.externalId,
  });
  if (request.timestamp !== undefined) {
    signed.headers["X-TIMESTAMP"] = request.timestamp;
    signed.headers["X-SIGNATURE"] = signer.sign({ method: "POST", relativePath, body: signedBody, timestamp: request.timestamp });
  }
  request.tamper?.(signed.headers);
  const response = await fetch(`${gateway.baseUrl}${path}`, { method: "POST", headers: signed.headers, body: request.body });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text) as Record<string, unknown> };
}

export function transferBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    partnerReferenceNo: newReference(),
    amount: { value: "10000.00", currency: "IDR" },
    customerNumber: "6281234567890",
    additionalInfo: { channel: "TOP_UP_E_WALLET_DANA" },
    ...overrides,
  };
}

/** A stand-in that answers whatever a test scripts: for the answers the honest mock never gives. */
export interface ScriptedGateway {
  /** Ends in `/pg/fo`, like the mock's. */
  baseUrl: string;
  /** The bodies of the requests that reached it since the last reset, in order. */
  received: string[];
  /** Every request from now on gets this answer; a body that is not a string is sent as JSON. */
  answer(status: number, body: unknown, headers?: Record<string, string>): void;
  /** Forgets the requests received and answers `200 {}` again. */
  reset(): void;
  close(): Promise<void>;
}

export async function startScriptedGateway(): Promise<ScriptedGateway> {
  let next = { status: 200, body: "{}", headers: {} as Record<string, string> };
  const received: string[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      received.push(body);
      response.writeHead(next.status, { "Content-Type": "application/json", ...next.headers });
      response.end(next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pg/fo`,
    received,
    answer(status, body, headers = {}) {
      next = { status, body: typeof body === "string" ? body : JSON.stringify(body), headers };
    },
    reset() {
      received.length = 0;
      next = { status: 200, body: "{}", headers: {} };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
