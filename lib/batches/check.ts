import { and, asc, eq, sql } from "drizzle-orm";
import { first, type Tx } from "@/db/client";
import { batchRows, batches, recipients, type Batch, type BatchRow, type InquiryPurpose } from "@/db/schema";
import { sameName } from "@/lib/transfers/owner-name";
import { inEnglish } from "@/lib/transfers/words";
import type { TransferDeps } from "@/lib/transfers/deps";
import { lookUpWallet } from "@/lib/transfers/inquiry";
import { isConfirmed } from "@/lib/transfers/create";
import type { Backoff } from "./backoff";
import { findBatch, markCheckedIfDone } from "./lifecycle";
import { pool } from "@/lib/concurrency";

/** A look-up that got no answer is tried this many times in all before the row asks a person to retry. */
const lookUpAttempts = 4;

/** Who looks a batch's pending rows up, and why: its maker while checking, its approver before approving. */
type CheckStep = { userId: number; purpose: InquiryPurpose };

/**
 * Looks up one row's wallet, like the New transfer screen does. The answer is stored only if the row is
 * still the one that was looked up: an edit made meanwhile bumps its version, and the stale answer is dropped.
 */
async function checkRow(deps: TransferDeps, step: CheckStep, row: BatchRow, backoff: Backoff): Promise<void> {
  const query = { wallet: row.wallet!, phone: row.phone!, amount: row.amount! };
  for (let attempt = 1; ; attempt++) {
    await backoff.ready();
    const inquiry = await lookUpWallet(deps, step.userId, query, { purpose: step.purpose });
    if (inquiry.outcome === "unavailable" && attempt < lookUpAttempts) {
      backoff.slowDown();
      continue;
    }
    backoff.answered();
    const found = isConfirmed(inquiry);
    await deps.db.transaction(async (tx) => {
      // The saved recipient as it is now, read in the transaction that stores the answer.
      const renamed = found ? await renamedRecipient(tx, row, inquiry.ownerName) : null;
      await tx
        .update(batchRows)
        .set({
          state: found && !renamed ? "ok" : "unconfirmed",
          ownerName: inquiry.ownerName,
          problem: renamed ?? (found ? null : inquiry.message),
          inquiryId: inquiry.id,
          checkedAt: inquiry.createdAt,
        })
        .where(and(eq(batchRows.id, row.id), eq(batchRows.version, row.version), eq(batchRows.state, "pending")));
    });
    return;
  }
}

/**
 * A row that names a saved recipient whose owner Cash In now names differently (docs/batches.md#paying-saved-recipients):
 * it needs the maker, as New transfer's name check does; the problem, in English like every row's, says what to do.
 */
async function renamedRecipient(tx: Tx, row: BatchRow, ownerName: string): Promise<string | null> {
  if (row.recipientId === null) return null;
  const recipient = await first(tx.select().from(recipients).where(eq(recipients.id, row.recipientId)).limit(1));
  if (!recipient || sameName(recipient.ownerName, ownerName)) return null;
  return inEnglish((t) => t("server.batches.row.recipientNameChanged", { label: recipient.label, saved: recipient.ownerName, now: ownerName }));
}

/** What the batch's status asks of its pending rows: checking (its maker), or a re-check an approver asked for. */
function stepOf(batch: Batch | null): CheckStep | null {
  if (batch?.status === "checking") return { userId: batch.makerId, purpose: "batch_row" };
  if (batch?.status === "awaiting_approval" && batch.recheckRequestedAt !== null && batch.recheckBy !== null) return { userId: batch.recheckBy, purpose: "approval" };
  // A scheduled batch at its time (docs/batches.md#scheduled-batches): as its approver, or its maker when none was needed.
  if (batch?.status === "scheduled" && batch.recheckRequestedAt !== null && batch.recheckBy !== null) {
    return { userId: batch.recheckBy, purpose: batch.recheckBy === batch.makerId ? "batch_row" : "approval" };
  }
  return null;
}

/**
 * Every pending row looked up, `concurrency` at a time, until none is left: a checking batch then becomes
 * ready; a re-check for an approval ends, and the approver decides on what it found.
 */
export async function checkPendingRows(deps: TransferDeps, batchId: number, { concurrency, backoff }: { concurrency: number; backoff: Backoff }): Promise<void> {
  for (;;) {
    const batch = await findBatch(deps.db, batchId);
    const step = stepOf(batch);
    if (!batch || !step) return;
    const pending = await deps.db
      .select()
      .from(batchRows)
      .where(and(eq(batchRows.batchId, batchId), eq(batchRows.state, "pending")))
      .orderBy(asc(batchRows.line))
      .limit(Math.max(64, concurrency * 16));
    if (pending.length === 0) {
      // Done, unless a row was edited back to pending in between: then go round again.
      const done = await deps.db.transaction(async (tx) => {
        // Read again in the transaction: the batch may have moved since (then there is nothing left to end here).
        const current = await findBatch(tx, batchId);
        if (!current || !stepOf(current)) return true;
        return current.status === "checking" ? markCheckedIfDone(tx, batchId, deps.now()) : finishRecheck(tx, batchId, deps.now());
      });
      if (done) return;
      continue;
    }
    await pool(pending, concurrency, (row) => checkRow(deps, step, row, backoff));
  }
}

/** The approver's re-check is over once no row is pending; the batch waits for their decision again. */
async function finishRecheck(tx: Tx, batchId: number, at: Date): Promise<boolean> {
  const done = await first(
    tx
      .update(batches)
      .set({ recheckRequestedAt: null, updatedAt: at })
      .where(
        and(
          eq(batches.id, batchId),
          sql`not exists (select 1 from ${batchRows} where ${batchRows.batchId} = ${batches.id} and ${batchRows.state} = 'pending')`,
        ),
      )
      .returning({ id: batches.id }),
  );
  return !!done;
}
