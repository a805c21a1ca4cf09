import { db } from "@/db/client";
import { databaseLabel, env, EnvError } from "@/lib/env";
import { prepareDatabaseAtStart } from "@/lib/ops/startup";
import { log } from "@/lib/log";
import { drainCleanly, runsBackgroundWork, startBackgroundWork } from "@/lib/background";

// A bad configuration stops the server at start with one message per variable, not at the first request: plain
// lines for the person starting it, before there is anything to log as JSON.
try {
  env();
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const globalForBackground = globalThis as unknown as { cashinBackground?: () => Promise<void> };

/**
 * Called by instrumentation.ts once the server starts. The Docker image applies migrations at start
 * (MIGRATE_ON_START=1, docs/deploying.md); elsewhere `npm run db:migrate` does, and a server with pending migrations
 * refuses to start. PostgreSQL must answer first (docs/postgresql.md#serving-from-postgresql).
 */
export async function start(): Promise<void> {
  const atStart = await prepareDatabaseAtStart(db(), env().DATABASE_URL, { migrateOnStart: process.env.MIGRATE_ON_START === "1" });
  if (!atStart.ok) {
    log().error({ database: databaseLabel(env().DATABASE_URL), ...atStart.details }, atStart.problem);
    process.exit(1);
  }
  // On start, and then periodically, settle what a crash or an ambiguous answer left open (SPEC §3.2 rule 3); send the
  // notification mails (docs/notifications.md#the-mailer) and the webhooks (docs/webhooks.md#delivery). With BACKGROUND=off
  // this instance leaves all of it to `npm run worker` (docs/architecture.md#background-work).
  if (runsBackgroundWork()) globalForBackground.cashinBackground ??= startBackgroundWork();
  else log().info({ background: "off" }, "[start] BACKGROUND=off: the reconciler, batch runners, mailer and webhooks are left to npm run worker");

  // A clean stop (docs/architecture.md#stopping-cleanly). Next.js has its own SIGTERM/SIGINT handler, which
  // closes the server and exits at once: ours runs first, and hands over to it when the app has finished
  // what it started.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    const nextHandlers = process.listeners(signal);
    process.removeAllListeners(signal);
    process.once(signal, () => void stopCleanly(signal, nextHandlers));
  }
}

async function stopCleanly(signal: NodeJS.Signals, nextHandlers: NodeJS.SignalsListener[]) {
  await drainCleanly(signal, globalForBackground.cashinBackground);
  try {
    await db().close();
  } catch (error) {
    log().error({ err: error }, "[shutdown] closing the database failed");
  }
  if (nextHandlers.length === 0) process.exit(signal === "SIGINT" ? 130 : 143);
  for (const handler of nextHandlers) handler(signal);
}
