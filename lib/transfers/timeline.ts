import type { Db, Tx } from "@/db/client";
import { gatewayCalls } from "@/db/schema";

export type { GatewayCallRow } from "@/db/schema";
import type { GatewayCallRecord } from "@/lib/cashin/client";
import { log } from "@/lib/log";

type CallLink = { transferId?: number; inquiryId?: number; reference?: string };

/**
 * `recordGatewayCall` in a transaction of its own (its one INSERT), for a call's hook while the call is under way
 * (never inside a transaction: no gateway call runs in one).
 */
export async function recordGatewayCallNow(db: Db, link: CallLink, record: GatewayCallRecord): Promise<void> {
  await db.transaction(async (tx) => recordGatewayCall(tx, link, record), { oneStatement: true });
  logGatewayCall(link, record);
}

/**
 * Stores one HTTP exchange with Cash In on the timeline of a transfer and/or inquiry (docs/lifecycle.md#5-every-gateway-call-is-on-the-timeline).
 * Database work only (a transaction on PostgreSQL may run twice): log the call with `logGatewayCall` once it committed.
 */
export async function recordGatewayCall(tx: Tx, link: CallLink, record: GatewayCallRecord): Promise<void> {
  await tx.insert(gatewayCalls).values({
    transferId: link.transferId ?? null,
    inquiryId: link.inquiryId ?? null,
    call: record.call,
    path: record.path,
    externalId: record.externalId,
    attempt: record.attempt,
    startedAt: record.startedAt,
    durationMs: Math.round(record.durationMs),
    requestBody: record.requestBody,
    responseBody: record.responseBody,
    httpStatus: record.httpStatus,
    responseCode: record.responseCode,
    outcome: record.outcome,
    error: record.error,
  });
}

/** One JSON line per call (docs/monitoring.md#logs), after the transaction that stored it. */
export function logGatewayCall(link: CallLink, record: GatewayCallRecord): void {
  // One JSON line per call (docs/monitoring.md#logs): never its bodies, which hold the signature's input and the phone number.
  log().info(
    {
      call: record.call,
      reference: link.reference ?? null,
      transferId: link.transferId ?? null,
      externalId: record.externalId,
      ...(link.inquiryId !== undefined ? { inquiryId: link.inquiryId } : {}),
      attempt: record.attempt,
      outcome: record.outcome,
      httpStatus: record.httpStatus,
      responseCode: record.responseCode,
      durationMs: Math.round(record.durationMs),
      ...(record.error ? { problem: record.error } : {}),
    },
    "gateway call",
  );
}
