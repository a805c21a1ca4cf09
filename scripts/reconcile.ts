import { openDatabase } from "@/db/client";
import { cashinClientFromEnv } from "@/lib/cashin/from-env";
import { batchEnv, databaseEnv, EnvError, gatewayEnv, sqlitePath } from "@/lib/env";
import { expireOverdueBatches } from "@/lib/batches/decide";
import { runBatch, stalledBatches } from "@/lib/batches/runner";
import { reconcileDue } from "@/lib/transfers/reconcile";

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
  const db = openDatabase(sqlitePath(databaseEnv().DATABASE_URL));
  const deps = { db, gateway: cashinClientFromEnv(), now: () => new Date(), gatewayTimeoutMs: gatewayEnv().CASHIN_TIMEOUT_MS };
  const pass = await reconcileDue(deps, { all: !args.includes("--due-only"), limit: 100_000 });
  // Batches whose runner stopped (the app is down, or crashed mid-batch): finish checking or sending them.
  const expiredBatches = expireOverdueBatches(deps);
  const stalled = stalledBatches(db, new Date());
  for (const id of stalled) await runBatch(deps, id, { concurrency: batchEnv().BATCH_CONCURRENCY });
  console.log(
    `Checked ${pass.checked} unsettled transfer(s), settled ${pass.settled}; expired ${pass.expired} overdue approval(s); sent ${pass.resent} approved transfer(s) a crash had left unsent; resumed ${stalled.length} stalled batch(es), expired ${expiredBatches}.`,
  );
  db.$client.close();
}

main().catch((error) => {
  console.error(error instanceof EnvError ? error.message : error);
  process.exit(1);
});
