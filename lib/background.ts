import "server-only";
import { hostname } from "node:os";
import { and, eq, lt, max, min, gte, isNotNull } from "drizzle-orm";
import { db, first, type Db } from "@/db/client";
import { workerHeartbeats } from "@/db/schema";
import { backgroundEnv, env } from "@/lib/env";
import { reconcilerActivity, startMailer, startReconciler, startWebhookWorker, type ReconcilerActivity } from "@/lib/jobs";
import { log } from "@/lib/log";
import { mailerDepsFromEnv } from "@/lib/notifications/from-env";
import { transferDeps } from "@/lib/runtime";
import { beginDraining, drained, inFlightCount } from "@/lib/shutdown";
import { webhookDepsFromEnv } from "@/lib/webhooks/from-env";

/**
 * Background work (docs/architecture.md#background-work): the reconciler (which also expires overdue batches
 * and resumes stalled ones), the batches' runners, the mailer and the webhook worker. By default each app
 * process runs them itself; with BACKGROUND=off an app instance leaves them to `npm run worker`, a process of
 * their own, and reads the worker's heartbeat from the database instead of its own reconciler's activity.
 */

/** Whether this app process runs the background work itself (BACKGROUND unset or on) or leaves it to workers. */
export function runsBackgroundWork(): boolean {
  return backgroundEnv().BACKGROUND;
}

/** Starts the reconciler, the mailer and the webhook worker in this process; the returned function stops them (letting a mail or webhook under way finish). */
export function startBackgroundWork(): () => Promise<void> {
  const stopReconciler = startReconciler(transferDeps, env().RECONCILE_INTERVAL_MS, { concurrency: env().BATCH_CONCURRENCY });
  const stopMailer = startMailer(mailerDepsFromEnv, env().MAIL_INTERVAL_MS);
  const stopWebhooks = startWebhookWorker(webhookDepsFromEnv, env().WEBHOOK_INTERVAL_MS);
  return async () => {
    stopReconciler();
    await Promise.all([stopMailer(), stopWebhooks()]);
  };
}

/**
 * The middle of a clean stop (docs/architecture.md#stopping-cleanly), for the app and the worker alike: nothing new is
 * sent, the background loops stop, the top-ups in flight get their answers (each bounded by the client's timeout, with the
 * status call after a success), and the mail or webhook under way is recorded (at most 5 s more). Answers how many top-ups
 * were still in flight; the caller then closes the database.
 */
export async function drainCleanly(signal: NodeJS.Signals, stopWork: (() => Promise<void>) | undefined): Promise<number> {
  beginDraining();
  const workStopped = stopWork?.();
  log().info({ signal, inFlight: inFlightCount() }, "[shutdown] sending nothing new");
  const left = await drained(2 * env().CASHIN_TIMEOUT_MS + 5_000);
  await Promise.race([workStopped, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  if (left > 0) log().error({ inFlight: left }, "[shutdown] top-ups still in flight: the reconciler settles them after the restart");
  else log().info("[shutdown] nothing in flight; closing the database");
  return left;
}

/** How often a worker writes its heartbeat. */
export const heartbeatIntervalMs = 5_000;
/** A worker whose heartbeat is older than this counts as gone: its pass "under way" no longer counts. */
export const workerSilentAfterMs = 30_000;
/** Rows of workers silent this long are deleted by the next worker's beat. */
const sweepAfterMs = 24 * 60 * 60 * 1000;

/** This worker process's name in the heartbeat table. */
export function workerName(): string {
  return `${hostname()}/${process.pid}`;
}

/**
 * Writes this worker's heartbeat now and then every `intervalMs`: its reconciler's activity as this process
 * sees it. The returned function stops the beats and deletes the row once the beat under way is written (a clean stop
 * leaves no worker behind).
 */
export function startHeartbeat(
  database: Db,
  { worker = workerName(), intervalMs = heartbeatIntervalMs, activity = reconcilerActivity, now = () => new Date() }: { worker?: string; intervalMs?: number; activity?: () => ReconcilerActivity; now?: () => Date } = {},
): () => Promise<void> {
  const startedAt = now();
  let beating: Promise<void> = Promise.resolve();
  const beat = () => {
    beating = writeHeartbeat(database, worker, startedAt, activity(), now()).catch((error: unknown) => {
      log().error({ job: "heartbeat", err: error }, "[worker] writing the heartbeat failed; trying again at the next beat");
    });
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await beating;
    try {
      await database.transaction(async (tx) => {
        await tx.delete(workerHeartbeats).where(eq(workerHeartbeats.worker, worker));
      });
    } catch (error) {
      log().error({ job: "heartbeat", err: error }, "[worker] deleting the heartbeat failed");
    }
  };
}

export async function writeHeartbeat(database: Db, worker: string, startedAt: Date, activity: ReconcilerActivity, at: Date): Promise<void> {
  const values = { beatAt: at, passStartedAt: activity.passStartedAt, lastPassAt: activity.lastCompletedPassAt };
  await database.transaction(async (tx) => {
    await tx
      .insert(workerHeartbeats)
      .values({ worker, startedAt, ...values })
      .onConflictDoUpdate({ target: workerHeartbeats.worker, set: values });
    await tx.delete(workerHeartbeats).where(lt(workerHeartbeats.beatAt, new Date(at.getTime() - sweepAfterMs)));
  });
}

/**
 * The reconciler's activity across the workers, as the heartbeats tell it: the latest pass any worker finished
 * (one that stopped since counts too: its pass did happen), and the earliest pass under way on a worker still
 * beating (one that went silent mid-pass does not keep the app ready).
 */
export async function workersActivity(database: Db, now: Date): Promise<ReconcilerActivity> {
  const finished = await first(database.select({ at: max(workerHeartbeats.lastPassAt) }).from(workerHeartbeats));
  const underWay = await first(
    database
      .select({ at: min(workerHeartbeats.passStartedAt) })
      .from(workerHeartbeats)
      .where(and(isNotNull(workerHeartbeats.passStartedAt), gte(workerHeartbeats.beatAt, new Date(now.getTime() - workerSilentAfterMs)))),
  );
  return { lastCompletedPassAt: finished?.at ?? null, passStartedAt: underWay?.at ?? null };
}

/** The reconciler's activity that /api/ready and /api/metrics report: this process's own, or with BACKGROUND=off the workers'. */
export async function backgroundActivity(): Promise<ReconcilerActivity> {
  return runsBackgroundWork() ? reconcilerActivity() : await workersActivity(db(), new Date());
}
