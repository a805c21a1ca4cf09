import { and, asc, eq } from "drizzle-orm";
import { batchRows, type Batch, type BatchRow } from "@/db/schema";
import type { TransferDeps } from "@/lib/transfers/deps";
import { lookUpWallet } from "@/lib/transfers/inquiry";
import { isConfirmed } from "@/lib/transfers/create";
import { findBatch, markCheckedIfDone, pool, type Backoff } from "./common";

/** A look-up that got no answer is tried this many times in all before the row asks a person to retry. */
const lookUpAttempts = 4;

/**
 * Looks up one row's wallet with the maker as the one asking, like the New transfer screen does. The
 * answer is stored only if the row is still the one that was looked up: an edit made meanwhile bumps
 * its version, and the stale answer is dropped.
 */
async function checkRow(deps: TransferDeps, batch: Batch, row: BatchRow, backoff: Backoff): Promise<void> {
  const query = { wallet: row.wallet!, phone: row.phone!, amount: row.amount! };
  for (let attempt = 1; ; attempt++) {
    await backoff.ready();
    const inquiry = await lookUpWallet(deps, batch.makerId, query);
    if (inquiry.outcome === "unavailable" && attempt < lookUpAttempts) {
      backoff.slowDown();
      continue;
    }
    backoff.answered();
    const found = isConfirmed(inquiry);
    deps.db
      .update(batchRows)
      .set({
        state: found ? "ok" : "unconfirmed",
        ownerName: inquiry.ownerName,
        problem: found ? null : inquiry.message,
        inquiryId: inquiry.id,
        checkedAt: inquiry.createdAt,
      })
      .where(and(eq(batchRows.id, row.id), eq(batchRows.version, row.version), eq(batchRows.state, "pending")))
      .run();
    return;
  }
}

/** The check step: every pending row looked up, `concurrency` at a time, until none is left; then the batch is ready. */
export async function checkPendingRows(deps: TransferDeps, batchId: number, { concurrency, backoff }: { concurrency: number; backoff: Backoff }): Promise<void> {
  for (;;) {
    const batch = findBatch(deps.db, batchId);
    if (batch?.status !== "checking") return;
    const pending = deps.db
      .select()
      .from(batchRows)
      .where(and(eq(batchRows.batchId, batchId), eq(batchRows.state, "pending")))
      .orderBy(asc(batchRows.line))
      .limit(Math.max(64, concurrency * 16))
      .all();
    if (pending.length === 0) {
      // Done, unless a row was edited back to pending in between: then go round again.
      if (markCheckedIfDone(deps.db, batchId, deps.now())) return;
      continue;
    }
    await pool(pending, concurrency, (row) => checkRow(deps, batch, row, backoff));
  }
}
