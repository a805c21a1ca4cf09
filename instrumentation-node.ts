import { db, pendingMigrations } from "@/db/client";
import { env, EnvError } from "@/lib/env";
import { startReconciler } from "@/lib/jobs";
import { transferDeps } from "@/lib/runtime";

// A bad configuration stops the server at start with one message per variable, not at the first request.
try {
  env();
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const pending = pendingMigrations(db());
if (pending > 0) {
  console.error(`The database at ${env().DATABASE_URL} lacks ${pending} migration(s): run "npm run db:migrate" first.`);
  process.exit(1);
}

// On start, and then periodically, settle what a crash or an ambiguous answer left open (SPEC §3.2 rule 3).
const globalForReconciler = globalThis as unknown as { cashinReconciler?: () => void };
globalForReconciler.cashinReconciler ??= startReconciler(transferDeps, env().RECONCILE_INTERVAL_MS, { concurrency: env().BATCH_CONCURRENCY });
