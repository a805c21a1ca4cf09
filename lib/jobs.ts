import { expireOverdueBatches } from "@/lib/batches/decide";
import { resumeStalledBatches, runBatch, stalledBatches, type BatchRunOptions } from "@/lib/batches/runner";
import type { TransferDeps } from "@/lib/transfers/deps";
import { reconcileDue } from "@/lib/transfers/reconcile";
import { log } from "@/lib/log";
import { deliverDue, type MailerDeps } from "@/lib/notifications/mailer";
import { deliverBacklog, type WebhookDeps } from "@/lib/webhooks/deliver";
import { hourlySweeper } from "@/lib/webhooks/retention";

/**
 * Background work, wired here at the top so that lib/transfers and lib/batches need not know each other:
 * the reconciler settles transfers (docs/lifecycle.md, "A crash loses nothing"), and each pass also expires
 * overdue batches and restarts the batches whose runner stopped.
 */

/** When this process's reconciler last finished a pass without an error, and when the pass under way began (a worker copies it into its heartbeat, lib/background.ts). */
export type ReconcilerActivity = { lastCompletedPassAt: Date | null; passStartedAt: Date | null };

// Kept on globalThis: Next.js compiles instrumentation (which starts the loop) and the request handlers
// (which read it for /api/ready and /api/metrics) separately, and both must see one state.
const activityKey = Symbol.for("cashin-payouts.reconciler-activity");
const activityHolder = globalThis as unknown as Record<symbol, ReconcilerActivity | undefined>;
const activity: ReconcilerActivity = (activityHolder[activityKey] ??= { lastCompletedPassAt: null, passStartedAt: null });

/** A copy of the reconciler's activity in this process (docs/monitoring.md). */
export function reconcilerActivity(): ReconcilerActivity {
  return { ...activity };
}

/**
 * Runs a pass at start and then every `intervalMs` inside this process (the app's, or `npm run worker`'s). Passes never overlap in one
 * process; across processes the per-transfer and per-batch leases keep them apart. Returns a stop function.
 */
export function startReconciler(deps: () => TransferDeps, intervalMs: number, batchOptions: Omit<BatchRunOptions, "ctx"> = {}): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    activity.passStartedAt = new Date();
    try {
      const pass = await reconcileDue(deps());
      const batches = { expired: await expireOverdueBatches(deps()), resumed: await resumeStalledBatches(deps, batchOptions) };
      activity.lastCompletedPassAt = new Date();
      if (pass.checked || pass.expired || pass.resent || pass.requeued) log().info({ job: "reconcile", ...pass }, "[reconcile] pass");
      if (batches.expired || batches.resumed) log().info({ job: "reconcile", batches }, "[reconcile] batches");
    } catch (error) {
      log().error({ job: "reconcile", err: error }, "[reconcile] pass failed; retrying at the next interval");
    } finally {
      running = false;
      activity.passStartedAt = null;
    }
  };
  void tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The mailer's loop inside this process, the app's or a worker's (docs/notifications.md#the-mailer): a pass at start and then every
 * `intervalMs`, never two at once in one process; across processes the claims' leases keep them apart.
 */
export function startMailer(deps: () => MailerDeps, intervalMs: number): () => Promise<void> {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = pass().finally(() => (running = null));
  };
  const pass = async () => {
    try {
      const pass = await deliverDue(deps());
      if (pass.sent || pass.held || pass.retrying || pass.failed) log().info({ job: "mailer", ...pass }, "[mailer] pass");
      if (pass.retrying || pass.failed) log().warn({ job: "mailer", retrying: pass.retrying, failed: pass.failed }, "[mailer] the SMTP server refused mails");
    } catch (error) {
      log().error({ job: "mailer", err: error }, "[mailer] pass failed; retrying at the next interval");
    }
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  // Stopping lets the pass under way finish: a mail the server accepted is then recorded, not sent again later.
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/**
 * The webhook worker's loop inside this process, the app's or a worker's (docs/webhooks.md#delivery), beside the mailer: a pass at start and
 * then every `intervalMs`, never two at once in one process; across processes each delivery's lease keeps them apart.
 * Each tick also sweeps old deliveries from the log, at most once an hour. Stopping lets the attempt under way finish and be logged.
 */
export function startWebhookWorker(deps: () => WebhookDeps, intervalMs: number): () => Promise<void> {
  let running: Promise<void> | null = null;
  let stopping = false;
  // The delivery log's retention (docs/webhooks.md#how-long-the-log-is-kept): at most once an hour.
  const sweep = hourlySweeper();
  const tick = () => {
    if (running) return;
    running = pass().finally(() => (running = null));
  };
  const pass = async () => {
    try {
      // Passes back to back while a backlog waits (bounded, yielding between passes), then the next tick.
      const pass = await deliverBacklog(deps(), { stopping: () => stopping });
      if (pass.delivered || pass.retrying || pass.failed) log().info({ job: "webhooks", ...pass }, "[webhooks] pass");
      if (pass.failed) log().warn({ job: "webhooks", failed: pass.failed }, "[webhooks] deliveries given up after 24 hours");
    } catch (error) {
      log().error({ job: "webhooks", err: error }, "[webhooks] pass failed; retrying at the next interval");
    }
    try {
      const { db, now } = deps();
      const swept = await sweep(db, now());
      if (swept?.deliveries) log().info({ job: "webhooks", swept }, "[webhooks] old deliveries deleted from the log");
    } catch (error) {
      log().error({ job: "webhooks", err: error }, "[webhooks] sweeping the log failed; trying again within the hour");
    }
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    stopping = true;
    clearInterval(timer);
    await running;
  };
}

/**
 * One pass by hand (`npm run reconcile`): every unsettled transfer now (or only the due ones), then every
 * stalled batch run to its end in this process. Safe beside the running app.
 */
export async function reconcileOnce(deps: TransferDeps, { dueOnly = false, batchConcurrency }: { dueOnly?: boolean; batchConcurrency: number }) {
  const pass = await reconcileDue(deps, { all: !dueOnly, limit: 100_000 });
  const expiredBatches = await expireOverdueBatches(deps);
  const stalled = await stalledBatches(deps.db, deps.now());
  for (const id of stalled) await runBatch(deps, id, { concurrency: batchConcurrency });
  return { ...pass, expiredBatches, resumedBatches: stalled.length };
}
