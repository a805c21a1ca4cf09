import { and, eq, inArray, isNull, lt, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { batches } from "@/db/schema";
import type { ActorContext, TransferDeps } from "@/lib/transfers/deps";
import { checkPendingRows } from "./check";
import { Backoff, defaultBatchConcurrency } from "./common";
import { sendApprovedRows } from "./send";

/** How long a runner holds a batch without renewing; it renews every third of that while it works. */
const leaseMs = 30_000;

export type BatchRunOptions = {
  concurrency?: number;
  /** First pause after a 429; it doubles on each further one, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Who the sends are recorded as: the approving manager, or the system when a batch is resumed. */
  ctx?: ActorContext;
};

const system: ActorContext = { actor: null, ip: null };

/** A batch that should have a runner (checking or sending) and that no live runner holds. */
const unheld = (now: Date) => and(inArray(batches.status, ["checking", "sending"]), or(isNull(batches.leaseUntil), lt(batches.leaseUntil, now)));

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
      backoff: new Backoff(options.backoffMs ?? 1_000, options.maxBackoffMs ?? 30_000),
    };
    await checkPendingRows(deps, batchId, run);
    await sendApprovedRows(deps, batchId, { ...run, ctx: options.ctx ?? system });
    return true;
  } finally {
    clearInterval(renew);
    deps.db.update(batches).set({ leaseUntil: null }).where(eq(batches.id, batchId)).run();
  }
}

/** Batches that should be running but that no live runner holds: their runner died, or the app restarted. */
export function stalledBatches(db: Db, now: Date): number[] {
  return db
    .select({ id: batches.id })
    .from(batches)
    .where(unheld(now))
    .all()
    .map((b) => b.id);
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
      console.error(`[batch] runner of batch ${batchId} stopped; it resumes at the next reconciler pass`, error);
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
