import { and, eq, isNotNull, ne, notExists, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { batchRows, batches, transfers, type Batch, type BatchStatus } from "@/db/schema";
import { fail } from "@/lib/result";
import { recordAudit } from "@/lib/audit/record";
import type { Actor } from "@/lib/transfers/deps";
import { getLimits } from "@/lib/transfers/settings";
import { movedNoMoney } from "@/lib/transfers/status";
import { batchStatusLabel } from "./labels";

export type Person = { id: number; email: string };
export type BatchCtx = { actor: Person; ip: string | null };

/** Rows are looked up and sent this many at a time unless configured otherwise (BATCH_CONCURRENCY). */
export const defaultBatchConcurrency = 8;

export function findBatch(db: DbOrTx, id: number): Batch | null {
  return db.select().from(batches).where(eq(batches.id, id)).get() ?? null;
}

export function wrongStatus(batch: Batch, doing: string) {
  return fail("conflict", `This batch cannot be ${doing} now: it is ${batchStatusLabel[batch.status].toLowerCase()}.`);
}

/**
 * Moves batch `id` from `from` to `to` if it is still `from` (and `condition` holds, e.g. a deadline), with
 * its audit entry, like a transfer's `transition`: of two racing requests exactly one wins. Must run inside
 * the caller's transaction.
 */
export function batchTransition(
  tx: DbOrTx,
  id: number,
  from: BatchStatus,
  to: BatchStatus,
  patch: Partial<Pick<Batch, "approverId" | "submittedAt" | "decidedAt" | "reason" | "duplicatesAccepted">>,
  { actor, ip, at, audit = {} }: { actor: Actor; ip: string | null; at: Date; audit?: Record<string, unknown> },
  condition?: SQL,
): Batch | null {
  const updated = tx
    .update(batches)
    .set({ ...patch, status: to, updatedAt: at })
    .where(and(eq(batches.id, id), eq(batches.status, from), condition))
    .returning()
    .get();
  if (!updated) return null;
  recordAudit(tx, {
    actor,
    action: `batch.${to}`,
    target: { type: "batch", id },
    before: { status: from },
    after: { status: to, ...(patch.reason ? { reason: patch.reason } : {}), ...audit },
    ip,
    at,
  });
  return updated;
}

/** A checking batch whose rows are all checked becomes ready, in one statement (no row can slip in between). */
export function markCheckedIfDone(tx: DbOrTx, batchId: number, at: Date): boolean {
  const pendingRows = tx
    .select({ id: batchRows.id })
    .from(batchRows)
    .where(and(eq(batchRows.batchId, batchId), eq(batchRows.state, "pending")));
  const done = tx
    .update(batches)
    .set({ status: "ready", updatedAt: at })
    .where(and(eq(batches.id, batchId), eq(batches.status, "checking"), notExists(pendingRows)))
    .returning({ id: batches.id })
    .get();
  if (done) flagNearDuplicates(tx, batchId, at);
  return !!done;
}

/** A row flagged for its maker and approver: it repeats an earlier row, or a payment made recently. */
export const flaggedRow = or(isNotNull(batchRows.duplicateOfLine), isNotNull(batchRows.nearDuplicateOf));

/**
 * Marks each live row that repeats a transfer made outside this batch within the near-duplicate window
 * (SPEC §8.1; same e-wallet, phone and amount, any maker, not one that moved no money) with the latest
 * such transfer, and clears the mark where none is left. One statement, through the phone index. Returns
 * how many rows of the batch are flagged now, repeats within the file included.
 */
export function flagNearDuplicates(tx: DbOrTx, batchId: number, at: Date): number {
  const since = at.getTime() - getLimits(tx).nearDuplicateWindowHours * 60 * 60_000;
  const noMoney = sql.join(movedNoMoney.map((s) => sql`${s}`), sql`, `);
  tx.update(batchRows)
    .set({
      nearDuplicateOf: sql`(select ${transfers.id} from ${transfers} where ${transfers.phone} = ${batchRows.phone} and ${transfers.wallet} = ${batchRows.wallet}
        and ${transfers.amount} = ${batchRows.amount} and ${transfers.createdAt} >= ${since} and ${transfers.status} not in (${noMoney})
        and (${transfers.batchId} is null or ${transfers.batchId} <> ${batchRows.batchId}) order by ${transfers.createdAt} desc limit 1)`,
    })
    .where(and(eq(batchRows.batchId, batchId), ne(batchRows.state, "removed")))
    .run();
  return flaggedCount(tx, batchId);
}

export function flaggedCount(db: DbOrTx, batchId: number): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(batchRows)
      .where(and(eq(batchRows.batchId, batchId), ne(batchRows.state, "removed"), flaggedRow))
      .get()?.n ?? 0
  );
}

/** What a backoff waits with: real time in the app, a controlled one in tests. */
export type Pacer = { now: () => number; sleep: (ms: number) => Promise<void> };

const realTime: Pacer = { now: () => Date.now(), sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };

/**
 * One pace for all of a batch's workers: a 429 (or, for look-ups, no answer) pauses every worker, for twice as long each
 * time it happens again, up to `maxMs`; an answer that is not a 429 brings the pause back to nothing.
 * Wall-clock time on purpose: it paces real requests, whatever clock the domain is given.
 */
export class Backoff {
  private pauseUntil = 0;
  private delay = 0;
  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
    private readonly time: Pacer = realTime,
  ) {}

  async ready(): Promise<void> {
    for (let wait = this.pauseUntil - this.time.now(); wait > 0; wait = this.pauseUntil - this.time.now()) await this.time.sleep(wait);
  }

  slowDown(): void {
    this.delay = this.delay === 0 ? this.baseMs : Math.min(this.delay * 2, this.maxMs);
    this.pauseUntil = Math.max(this.pauseUntil, this.time.now() + this.delay);
  }

  answered(): void {
    this.delay = 0;
  }
}
