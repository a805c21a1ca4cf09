import { db, migrateDatabase, pendingMigrations } from "@/db/client";
import { env, EnvError } from "@/lib/env";
import { log } from "@/lib/log";
import { startMailer, startReconciler, startWebhookWorker } from "@/lib/jobs";
import { mailerDepsFromEnv } from "@/lib/notifications/from-env";
import { webhookDepsFromEnv } from "@/lib/webhooks/from-env";
import { transferDeps } from "@/lib/runtime";
import { beginDraining, drained, inFlightCount } from "@/lib/shutdown";

// A bad configuration stops the server at start with one message per variable, not at the first request: plain
// lines for the person starting it, before there is anything to log as JSON.
try {
  env();
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message);
  process.exit(1);
}

// The Docker image applies migrations at start (MIGRATE_ON_START=1, docs/deploying.md); elsewhere
// `npm run db:migrate` does, and a server with pending migrations refuses to start.
if (process.env.MIGRATE_ON_START === "1" && pendingMigrations(db()) > 0) {
  log().info({ migrations: pendingMigrations(db()), database: env().DATABASE_URL }, "[start] applying migrations");
  migrateDatabase(db());
}
const pending = pendingMigrations(db());
if (pending > 0) {
  log().error({ database: env().DATABASE_URL, migrations: pending }, 'The database lacks migrations: run "npm run db:migrate" first.');
  process.exit(1);
}

// On start, and then periodically, settle what a crash or an ambiguous answer left open (SPEC §3.2 rule 3).
const globalForReconciler = globalThis as unknown as { cashinReconciler?: () => void };
globalForReconciler.cashinReconciler ??= startReconciler(transferDeps, env().RECONCILE_INTERVAL_MS, { concurrency: env().BATCH_CONCURRENCY });

// Notification mails from the outbox (docs/notifications.md#the-mailer).
const globalForMailer = globalThis as unknown as { cashinMailer?: () => Promise<void> };
globalForMailer.cashinMailer ??= startMailer(mailerDepsFromEnv, env().MAIL_INTERVAL_MS);

// Webhooks from the webhook outbox (docs/webhooks.md#delivery).
const globalForWebhooks = globalThis as unknown as { cashinWebhooks?: () => Promise<void> };
globalForWebhooks.cashinWebhooks ??= startWebhookWorker(webhookDepsFromEnv, env().WEBHOOK_INTERVAL_MS);

// A clean stop (docs/architecture.md#stopping-cleanly). Next.js has its own SIGTERM/SIGINT handler, which
// closes the server and exits at once: ours runs first, and hands over to it when the app has finished
// what it started.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  const nextHandlers = process.listeners(signal);
  process.removeAllListeners(signal);
  process.once(signal, () => void stopCleanly(signal, nextHandlers));
}

async function stopCleanly(signal: NodeJS.Signals, nextHandlers: NodeJS.SignalsListener[]) {
  beginDraining();
  globalForReconciler.cashinReconciler?.();
  // The mail being sent is recorded before the database closes (at most the SMTP timeouts, ~50 s, and not past the top-ups' wait).
  const mailerStopped = globalForMailer.cashinMailer?.();
  const webhooksStopped = globalForWebhooks.cashinWebhooks?.();
  log().info({ signal, inFlight: inFlightCount() }, "[shutdown] sending nothing new");
  // Each top-up ends within the client's timeout; its answer and the status call after a success follow.
  const left = await drained(2 * env().CASHIN_TIMEOUT_MS + 5_000);
  await Promise.race([Promise.all([mailerStopped, webhooksStopped]), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  if (left > 0) log().error({ inFlight: left }, "[shutdown] top-ups still in flight: the reconciler settles them after the restart");
  else log().info("[shutdown] nothing in flight; closing the database");
  try {
    db().$client.close();
  } catch (error) {
    log().error({ err: error }, "[shutdown] closing the database failed");
  }
  if (nextHandlers.length === 0) process.exit(signal === "SIGINT" ? 130 : 143);
  for (const handler of nextHandlers) handler(signal);
}
