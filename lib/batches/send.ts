import { and, asc, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { batchRows, transfers } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import type { GatewayCallRecord } from "@/lib/cashin/client";
import type { ActorContext, TransferDeps } from "@/lib/transfers/deps";
import { recordGatewayCall } from "@/lib/transfers/timeline";
import { sendTransfer } from "@/lib/transfers/send";
import { batchTransition, findBatch, pool, type Backoff } from "./common";

/**
 * The rows a (re)started send step still has to send: those whose transfer is still `approved`, in file
 * order. A row already claimed (`sending`) may have reached Cash In before a crash, so it is never
 * picked again: the reconciler settles it with the status call. This is what makes a restart resume
 * where it stopped without a second top-up (SPEC §3.2 rules 1 and 3).
 */
export function rowsToSend(db: DbOrTx, batchId: number, limit = 1_000): number[] {
  return db
    .select({ id: transfers.id })
    .from(batchRows)
    .innerJoin(transfers, eq(transfers.id, batchRows.transferId))
    .where(and(eq(batchRows.batchId, batchId), eq(transfers.status, "approved")))
    .orderBy(asc(batchRows.line))
    .limit(limit)
    .all()
    .map((r) => r.id);
}

/** Cash In's "too many requests" (429xx00). */
const rateLimited = (code: string | null | undefined) => code?.startsWith("429") ?? false;

/**
 * The send step: every approved row sent through the single-transfer path (`sendTransfer`, whose claim
 * lets each transfer out once), `concurrency` at a time, slowing down on 429. When no row is left to
 * send the batch is `sent`; rows still `processing` are settled by the reconciler.
 */
export async function sendApprovedRows(
  deps: TransferDeps,
  batchId: number,
  { concurrency, backoff, ctx }: { concurrency: number; backoff: Backoff; ctx: ActorContext },
): Promise<void> {
  for (;;) {
    if (findBatch(deps.db, batchId)?.status !== "sending") return;
    const ids = rowsToSend(deps.db, batchId);
    if (ids.length === 0) {
      await fetchCashinReferences(deps, batchId, { concurrency, backoff });
      const at = deps.now();
      deps.db.transaction((tx) => batchTransition(tx, batchId, "sending", "sent", {}, { actor: null, ip: null, at }), { behavior: "immediate" });
      return;
    }
    await pool(ids, concurrency, async (id) => {
      await backoff.ready();
      const sent = await sendTransfer(deps, id, ctx);
      if (rateLimited(sent?.lastCode)) backoff.slowDown();
      else backoff.answered();
    });
  }
}

/**
 * Cash In's answer to a successful top-up carries no reference of its own; its status call does. For the
 * results export each succeeded row gets one status call to fetch it (stored on the transfer's timeline
 * and audited). One pass: a row whose call fails keeps an empty reference, nothing else changes.
 */
async function fetchCashinReferences(deps: TransferDeps, batchId: number, { concurrency, backoff }: { concurrency: number; backoff: Backoff }): Promise<void> {
  const missing = deps.db
    .select({ id: transfers.id, reference: transfers.reference })
    .from(transfers)
    .where(and(eq(transfers.batchId, batchId), eq(transfers.status, "succeeded"), isNull(transfers.cashinReference)))
    .all();
  await pool(missing, concurrency, async ({ id, reference }) => {
    await backoff.ready();
    const result = await deps.gateway.status(
      { partnerReferenceNo: reference },
      { onCall: (record: GatewayCallRecord) => recordGatewayCall(deps.db, { transferId: id }, record) },
    );
    if (rateLimited(result.code)) backoff.slowDown();
    else backoff.answered();
    if (result.kind !== "success" || !result.originalReferenceNo) return;
    const cashinReference = result.originalReferenceNo;
    const at = deps.now();
    deps.db.transaction(
      (tx) => {
        const updated = tx
          .update(transfers)
          .set({ cashinReference, updatedAt: at })
          .where(and(eq(transfers.id, id), isNull(transfers.cashinReference)))
          .returning({ id: transfers.id })
          .get();
        if (updated) recordAudit(tx, { actor: null, action: "transfer.reference", target: { type: "transfer", id }, after: { cashinReference }, at });
      },
      { behavior: "immediate" },
    );
  });
}
