import { randomInt } from "node:crypto";
import { jakartaOffsetMs } from "@/lib/jakarta";
import type { Signer } from "./signer";

/** SNAP request headers (docs/gateway.md#headers). */

const lastTimestamp = { second: NaN, text: "" };

/**
 * `YYYY-MM-DDTHH:mm:ss+07:00` in Jakarta time. Computed from the UTC instant plus seven hours (Indonesia has
 * no daylight saving), so the server's own time zone never leaks in.
 */
export function jakartaTimestamp(at?: Date): string {
  const epochMs = at ? at.getTime() : Date.now();
  // Every request carries one; most fall in the same second as the previous request's.
  const second = Math.floor(epochMs / 1000);
  if (second !== lastTimestamp.second) {
    lastTimestamp.text = `${new Date(second * 1000 + jakartaOffsetMs).toISOString().slice(0, 19)}+07:00`;
    lastTimestamp.second = second;
  }
  return lastTimestamp.text;
}

/** Drawn once: tells this process's ids apart from those of the merchant's other processes (app, reconciler, CLI). */
const processTag = String(randomInt(10_000_000_000)).padStart(10, "0");
let externalIdCounter = 0;

/**
 * A numeric X-EXTERNAL-ID of 31 digits, new for every HTTP request: epoch milliseconds (13) + this process's
 * random tag (10) + a counter (8), so ids never repeat within a process, even when many requests start in
 * the same millisecond, nor between processes.
 */
export function newExternalId(now: number = Date.now()): string {
  externalIdCounter = (externalIdCounter + 1) % 100_000_000;
  return `${now}${processTag}${String(externalIdCounter).padStart(8, "0")}`;
}

export interface SignedRequestInput {
  signer: Signer;
  partnerId: string;
  channelId: string;
  /** Signed path, without `/pg/fo`. */
  relativePath: string;
  /** The serialized body, exactly as it will be sent. */
  body: string;
  at?: Date;
  externalId?: string;
}

export interface SignedRequest {
  headers: Record<string, string>;
  externalId: string;
  timestamp: string;
}

export function signedRequestHeaders(input: SignedRequestInput): SignedRequest {
  const timestamp = jakartaTimestamp(input.at);
  const externalId = input.externalId ?? newExternalId(input.at?.getTime());
  const signature = input.signer.sign({ method: "POST", relativePath: input.relativePath, body: input.body, timestamp });
  return {
    externalId,
    timestamp,
    headers: {
      "Content-Type": "application/json",
      "X-TIMESTAMP": timestamp,
      "X-PARTNER-ID": input.partnerId,
      "X-EXTERNAL-ID": externalId,
      "X-SIGNATURE": signature,
      "CHANNEL-ID": input.channelId,
    },
  };
}
