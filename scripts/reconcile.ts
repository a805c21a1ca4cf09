import { openAppDatabase } from "@/db/client";
import { cashinClientFromEnv } from "@/lib/cashin/from-env";
import { batchEnv, databaseEnv, EnvError, gatewayEnv } from "@/lib/env";
import { reconcileOnce } from "@/lib/jobs";

/**
 * `npm run reconcile`: one pass of the reconciler, for operators. By default it asks Cash In about every
 * unsettled transfer now; `--due-only` checks only those whose next check has come, like the app does.
 * Safe beside the running app: a transfer leased by one runner is skipped by the other.
 */
async function main() {
  const args = process.argv.slice(2);
  if (args.includes("--help")) {
    console.log("Usage: npm run reconcile [-- --due-only]\nChecks unsettled transfers with Cash In's status call and settles them.");
    return;
  }
  const db = openAppDatabase(databaseEnv().DATABASE_URL);
  const deps = { db, gateway: cashinClientFromEnv(), now: () => new Date(), gatewayTimeoutMs: gatewayEnv().CASHIN_TIMEOUT_MS };
  // Batches whose runner stopped (the app is down, or crashed mid-batch) are finished here too.
  const pass = await reconcileOnce(deps, { dueOnly: args.includes("--due-only"), batchConcurrency: batchEnv().BATCH_CONCURRENCY });
  console.log(
    `Checked ${pass.checked} transfer(s), settled ${pass.settled}; expired ${pass.expired} overdue approval(s); sent ${pass.resent} approved transfer(s) a crash had left unsent, sent ${pass.requeued} older one(s) back for approval; resumed ${pass.resumedBatches} stalled batch(es), expired ${pass.expiredBatches}.`,
  );
  await db.close();
}

main().catch((error) => {
  console.error(error instanceof EnvError ? error.message : error);
  process.exit(1);
});
