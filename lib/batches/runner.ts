import { and, eq, inArray, isNotNull, isNull, lte, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { batches } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { system, type ActorContext } from "@/lib/actor";
import type { TransferDeps } from "@/lib/transfers/deps";
import { checkPendingRows } from "./check";
import { Backoff, type Pacer } from "./backoff";
import { sendApprovedRows } from "./send";
import { sendWhenDue } from "./scheduled";
import { log } from "@/lib/log";
import { isSendingPaused, lastResumedAt } from "@/lib/sending/pause";

/** Rows are looked up and sent this many at a time unless configured otherwise (BATCH_CONCURRENCY). */
export const defaultBatchConcurrency = 8;

/** How long a runner holds a batch without renewing; it renews every third of that while it works. */
const leaseMs = 30_000;

export type BatchRunOptions = {
  concurrency?: number;
  /** First pause after a 429; it doubles on each further one, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** The backoff's clock: real time unless a test controls it. */
  pacer?: Pacer;
  /** Who the sends are recorded as: the approving manager, or the system when a batch is resumed. */
  ctx?: ActorContext;
};

/**
 * A batch that should have a runner (checking, sending, re-checked for an approval, or scheduled and its time has
 * come), that no live runner holds and that is not paused for a person's confirmation.
 */
const unheld = (now: Date) =>
  and(
    or(
      inArray(batches.status, ["checking", "sending"]),
      and(eq(batches.status, "awaiting_approval"), isNotNull(batches.recheckRequestedAt)),
      // Its time (docs/batches.md#scheduled-batches), read from the database: a restart before it changes nothing.
      and(eq(batches.status, "scheduled"), lte(batches.sendAt, now)),
    ),
    // A lease that ends now has lapsed: a runner that finished leaves it ending at that moment.
    or(isNull(batches.leaseUntil), lte(batches.leaseUntil, now)),
    isNull(batches.pausedAt),
  );

/** A batch whose sending stopped longer ago than this is not resumed blindly: a person confirms first (docs/lifecycle.md#paying-twice-is-impossible). */
export const resumeWithoutConfirmationMs = 15 * 60_000;

/**
 * Does what a batch's status asks for, checking its pending rows or sending its approved ones, under a
 * lease so that one runner works on a batch at a time across processes. Returns false when another
 * runner holds it. Anything interrupted (a crash, a restart) is picked up by the next run.
 */
export async function runBatch(deps: TransferDeps, batchId: number, options: BatchRunOptions = {}): Promise<boolean> {
  const now = deps.now();
  const leased = deps.db
    .update(batches)
    .set({ leaseUntil: new Date(now.getTime() + leaseMs) })
    .where(and(eq(batches.id, batchId), unheld(now)))
    .returning({ id: batches.id })
    .get();
  if (!leased) return false;
  const renew = setInterval(() => {
    deps.db.update(batches).set({ leaseUntil: new Date(deps.now().getTime() + leaseMs) }).where(eq(batches.id, batchId)).run();
  }, leaseMs / 3);
  renew.unref();
  try {
    const run = {
      concurrency: options.concurrency ?? defaultBatchConcurrency,
      backoff: new Backoff(options.backoffMs ?? 1_000, options.maxBackoffMs ?? 30_000, options.pacer),
    };
    await sendWhenDue(deps, batchId, run);
    await checkPendingRows(deps, batchId, run);
    await sendApprovedRows(deps, batchId, { ...run, ctx: options.ctx ?? system });
    return true;
  } finally {
    clearInterval(renew);
    // Lapsed now rather than cleared: when its sending last made progress tells a resume how long it stopped.
    deps.db.update(batches).set({ leaseUntil: deps.now() }).where(eq(batches.id, batchId)).run();
  }
}

/**
 * Batches that should be running but that no live runner holds: their runner died, or the app restarted.
 * A batch whose sending stopped more than 15 minutes ago is paused instead (audited), so its approver
 * confirms before the rest goes out; the others are returned to be resumed.
 * While sending is paused on a deposit alert (docs/deposit-alerts.md) a batch being sent is left alone: it waits for an
 * admin's resume, and that resume is the decision to go on, so the time it waited does not count as a stop.
 */
export function stalledBatches(db: Db, now: Date): number[] {
  const resumable: number[] = [];
  const sendingPaused = isSendingPaused(db);
  const resumedAt = lastResumedAt(db)?.getTime() ?? 0;
  for (const batch of db.select({ id: batches.id, status: batches.status, leaseUntil: batches.leaseUntil, updatedAt: batches.updatedAt }).from(batches).where(unheld(now)).all()) {
    // A scheduled batch whose time came during the pause stays scheduled until the resume.
    if ((batch.status === "sending" || batch.status === "scheduled") && sendingPaused) continue;
    const stoppedAt = new Date(Math.max((batch.leaseUntil ?? batch.updatedAt).getTime(), batch.status === "sending" ? resumedAt : 0));
    if (batch.status !== "sending" || now.getTime() - stoppedAt.getTime() <= resumeWithoutConfirmationMs) {
      resumable.push(batch.id);
      continue;
    }
    db.transaction(
      (tx) => {
        const paused = tx
          .update(batches)
          .set({ pausedAt: now, updatedAt: now })
          .where(and(eq(batches.id, batch.id), unheld(now)))
          .returning({ id: batches.id })
          .get();
        if (paused) recordAudit(tx, { actor: null, action: "batch.paused", target: { type: "batch", id: batch.id }, after: { stoppedAt: stoppedAt.toISOString() }, at: now });
      },
      { behavior: "immediate" },
    );
  }
  return resumable;
}

type Job = { again: boolean };
const globalJobs = globalThis as unknown as { cashinBatchJobs?: Map<number, Job> };
const jobs = (globalJobs.cashinBatchJobs ??= new Map());

/**
 * Starts a batch's runner in the background of this process, unless one is already running here; then
 * that one goes round once more, so a row edited while it finishes is not left unchecked.
 */
export function startBatchJob(deps: () => TransferDeps, batchId: number, options: BatchRunOptions = {}): void {
  const running = jobs.get(batchId);
  if (running) {
    running.again = true;
    return;
  }
  const job: Job = { again: false };
  jobs.set(batchId, job);
  void (async () => {
    try {
      do {
        job.again = false;
        await runBatch(deps(), batchId, options);
      } while (job.again);
    } catch (error) {
      log().error({ batchId, err: error }, "[batch] runner of batch stopped; it resumes at the next reconciler pass");
    } finally {
      jobs.delete(batchId);
    }
  })();
}

/** Restarts every stalled batch in this process (called by the reconciler loop). */
export function resumeStalledBatches(deps: () => TransferDeps, options: Omit<BatchRunOptions, "ctx"> = {}): number {
  const d = deps();
  const stalled = stalledBatches(d.db, d.now()).filter((id) => !jobs.has(id));
  for (const id of stalled) startBatchJob(deps, id, options);
  return stalled.length;
}
