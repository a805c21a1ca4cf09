import { db } from "@/db/client";
import { drainCleanly, startBackgroundWork, startHeartbeat, workerName } from "@/lib/background";
import { databaseLabel, env, EnvError } from "@/lib/env";
import { prepareDatabaseAtStart } from "@/lib/ops/startup";
import { log } from "@/lib/log";

/**
 * `npm run worker` (docs/architecture.md#background-work): the background work in a process of its own, for app
 * instances started with BACKGROUND=off. It runs the reconciler (which also expires overdue batches and runs the
 * batches' runners), the mailer and the webhook worker, and beats in `worker_heartbeats` so that the app's /api/ready
 * and /api/metrics can tell the reconciler runs. Several workers may run at once: leases keep them apart.
 * It ignores BACKGROUND itself: a worker always does the work.
 */

const usage = `Usage: npm run worker
Runs the background work in its own process: the reconciler (unsettled transfers, approved transfers a crash
left unsent, overdue approvals and batches), the batches' runners, the notification mails and the webhooks.
For app instances started with BACKGROUND=off (docs/deploying.md#a-separate-worker). Configured like the app,
through the environment (DATABASE_URL, AUTH_SECRET, CASHIN_*, SMTP_URL, ...). Several workers may run at once.
SIGTERM or SIGINT stops it cleanly: the top-ups in flight get their answers first.`;

if (process.argv.slice(2).includes("--help")) {
  console.log(usage);
  process.exit(0);
}

// As the app does at start (instrumentation-node.ts): one plain line per bad variable, then nothing runs.
try {
  env();
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message);
  process.exit(1);
}

void main();

async function main() {
  // PostgreSQL answering and every migration applied, or nothing runs (MIGRATE_ON_START=1 applies them first).
  const atStart = await prepareDatabaseAtStart(db(), env().DATABASE_URL, { migrateOnStart: process.env.MIGRATE_ON_START === "1" });
  if (!atStart.ok) {
    log().error({ database: databaseLabel(env().DATABASE_URL), ...atStart.details }, atStart.problem);
    process.exit(1);
  }

  const worker = workerName();
  // The loops' timers do not hold a process open (the app's server does): this one does, until the clean stop.
  const keepAlive = setInterval(() => {}, 60 * 60_000);
  const stopWork = startBackgroundWork();
  const stopHeartbeat = startHeartbeat(db(), { worker });
  log().info({ worker, database: databaseLabel(env().DATABASE_URL), reconcileIntervalMs: env().RECONCILE_INTERVAL_MS }, "[worker] started: reconciler, batch runners, mailer and webhooks");

  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void stopCleanly(signal);
    });
  }

  async function stopCleanly(signal: NodeJS.Signals) {
    const left = await drainCleanly(signal, stopWork);
    // Its row goes last, once nothing of its own is under way: a worker that stopped cleanly is no longer counted.
    await stopHeartbeat();
    clearInterval(keepAlive);
    try {
      await db().close();
    } catch (error) {
      log().error({ err: error }, "[shutdown] closing the database failed");
    }
    log().info({ worker, inFlight: left }, "[worker] stopped");
    process.exit(0);
  }
}
