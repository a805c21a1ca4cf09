import { eq } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { inquiries, transfers, type Inquiry, type Transfer, type TransferStatus } from "@/db/schema";
import { fail, ok, type ActionResult } from "@/lib/result";
import type { ActorContext, TransferDeps } from "./deps";
import { limitProblem, needsApproval } from "./limits";
import { newReference } from "./reference";
import { sendTransfer } from "./send";
import { getLimits } from "./settings";
import { recordAuditMany } from "@/lib/audit/record";
import type { WalletQuery } from "./inquiry";

/** A look-up is good for this long (SPEC §3.2 rule 4). */
export const inquiryFreshMs = 15 * 60_000;

export type CreatedTransfer = { transferId: number; reference: string; status: TransferStatus };

type Maker = { id: number; email: string };

/** A look-up that found the wallet and its owner's name. */
export function isConfirmed(inquiry: Inquiry): inquiry is Inquiry & { ownerName: string } {
  return inquiry.outcome === "found" && !!inquiry.ownerName;
}

type NewTransfer = { inquiry: Inquiry & { ownerName: string }; status: "awaiting_approval" | "approved"; retryOfId?: number | null; batchId?: number | null };

/**
 * Writes transfers from successful look-ups, each with its audit entry: the confirmed name is the one
 * the look-up returned (rule 4). The caller has checked that each look-up is the maker's, fresh and
 * unused. Rows go in 500 at a time, so a batch's 10.000 take a fraction of a second.
 */
export function insertTransfers(tx: Tx, { actor, ip, at }: { actor: Maker; ip: string | null; at: Date }, items: readonly NewTransfer[]): Transfer[] {
  const created: Transfer[] = [];
  for (let i = 0; i < items.length; i += 500) {
    const values = items.slice(i, i + 500).map(({ inquiry, status, retryOfId = null, batchId = null }) => ({
      reference: newReference("TRF", at),
      wallet: inquiry.wallet,
      phone: inquiry.phone,
      amount: inquiry.amount,
      ownerName: inquiry.ownerName,
      status,
      makerId: actor.id,
      inquiryId: inquiry.id,
      retryOfId,
      batchId,
      createdAt: at,
      updatedAt: at,
    }));
    created.push(...tx.insert(transfers).values(values).returning().all());
  }
  created.sort((a, b) => a.id - b.id);
  recordAuditMany(
    tx,
    created.map((transfer) => ({
      actor,
      action: "transfer.create",
      target: { type: "transfer", id: transfer.id },
      after: {
        reference: transfer.reference,
        wallet: transfer.wallet,
        amount: transfer.amount,
        ownerName: transfer.ownerName,
        status: transfer.status,
        ...(transfer.retryOfId ? { retryOf: transfer.retryOfId } : {}),
        ...(transfer.batchId ? { batch: transfer.batchId } : {}),
      },
      ip,
      at,
    })),
  );
  return created;
}

/**
 * Confirms a looked-up wallet as a transfer. It can be created only from the maker's own successful
 * look-up of the same wallet, number and amount in the last 15 minutes, and stores the name that
 * look-up returned. One look-up makes at most one transfer: a double click or a second tab gets the
 * first transfer back. Below the approval threshold it is approved and sent at once.
 */
export async function createTransfer(
  deps: TransferDeps,
  { actor, ip }: { actor: Maker; ip: string | null },
  input: WalletQuery & { inquiryId: number; retryOf?: number },
): Promise<ActionResult<CreatedTransfer>> {
  const now = deps.now();
  const created = deps.db.transaction(
    (tx): ActionResult<CreatedTransfer> => {
      const inquiry = tx.select().from(inquiries).where(eq(inquiries.id, input.inquiryId)).get();
      if (!inquiry || inquiry.userId !== actor.id) return fail("invalid", "Look up the wallet before sending.");

      const existing = tx.select().from(transfers).where(eq(transfers.inquiryId, inquiry.id)).get();
      if (existing) {
        return ok(
          { transferId: existing.id, reference: existing.reference, status: existing.status },
          "This transfer was already submitted; it was not sent twice.",
        );
      }
      if (!isConfirmed(inquiry)) return fail("invalid", "The look-up did not find this wallet, so nothing can be sent to it.");
      if (inquiry.wallet !== input.wallet || inquiry.phone !== input.phone || inquiry.amount !== input.amount) {
        return fail("invalid", "The wallet, number or amount changed after the look-up. Look the wallet up again.");
      }
      if (now.getTime() - inquiry.createdAt.getTime() > inquiryFreshMs) {
        return fail("invalid", "The look-up is more than 15 minutes old. Look the wallet up again to confirm the owner.");
      }
      if (input.retryOf !== undefined) {
        const original = tx.select({ status: transfers.status }).from(transfers).where(eq(transfers.id, input.retryOf)).get();
        if (original?.status !== "failed") return fail("invalid", "Only a failed transfer can be retried as a new one.");
      }
      const limits = getLimits(tx);
      const problem = limitProblem(tx, limits, actor.id, input.amount, now);
      if (problem) return fail("forbidden", problem, { amount: [problem] });

      const status = needsApproval(limits, input.amount) ? "awaiting_approval" : "approved";
      const [transfer] = insertTransfers(tx, { actor, ip, at: now }, [{ inquiry, status, retryOfId: input.retryOf ?? null }]);
      return ok({ transferId: transfer!.id, reference: transfer!.reference, status });
    },
    { behavior: "immediate" },
  );
  if (!created.ok || created.data.status !== "approved") return created;

  // Safe for a resubmitted form too: the claim inside sendTransfer lets only one request send.
  const ctx: ActorContext = { actor, ip };
  const sent = await sendTransfer(deps, created.data.transferId, ctx);
  return ok({ ...created.data, status: sent?.status ?? created.data.status }, created.message);
}
