import type { TransferDeps } from "./deps";
import { reconcileDue } from "./reconcile";

/**
 * Runs the reconciler at start and then every `intervalMs` inside the app process (SPEC §3.2 rule 3).
 * Passes never overlap in one process; across processes the per-transfer lease keeps them apart.
 */
export function startReconciler(deps: () => TransferDeps, intervalMs: number): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const pass = await reconcileDue(deps());
      if (pass.checked || pass.expired || pass.resent) console.info(`[reconcile] ${JSON.stringify(pass)}`);
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
