import { expireOverdueBatches } from "@/lib/batches/decide";
import { resumeStalledBatches, type BatchRunOptions } from "@/lib/batches/runner";
import type { TransferDeps } from "./deps";
import { reconcileDue } from "./reconcile";

/**
 * Runs the reconciler at start and then every `intervalMs` inside the app process (SPEC §3.2 rule 3).
 * Passes never overlap in one process; across processes the per-transfer lease keeps them apart.
 * Each pass also expires overdue batches and restarts batches whose runner stopped (a crash, a restart).
 */
export function startReconciler(deps: () => TransferDeps, intervalMs: number, batchOptions: Omit<BatchRunOptions, "ctx"> = {}): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const pass = await reconcileDue(deps());
      const batches = { expired: expireOverdueBatches(deps()), resumed: resumeStalledBatches(deps, batchOptions) };
      if (pass.checked || pass.expired || pass.resent) console.info(`[reconcile] ${JSON.stringify(pass)}`);
      if (batches.expired || batches.resumed) console.info(`[reconcile] batches ${JSON.stringify(batches)}`);
    } catch (error) {
      console.error("[reconcile] pass failed; retrying at the next interval", error);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
