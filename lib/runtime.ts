import "server-only";
import { db } from "@/db/client";
import { approveBatch, confirmResume } from "@/lib/batches/decide";
import { editRow } from "@/lib/batches/rows";
import { startBatchJob, type BatchRunOptions } from "@/lib/batches/runner";
import { submitBatch } from "@/lib/batches/submit";
import { uploadBatchFile } from "@/lib/batches/upload";
import { cashinClientFromEnv } from "@/lib/cashin/from-env";
import { backgroundEnv, env } from "@/lib/env";
import type { ActorContext, PersonContext } from "@/lib/actor";
import type { TransferDeps } from "@/lib/transfers/deps";

/** The domain wired to this process: its database, its Cash In client, the real clock and the configured limits. */
export function transferDeps(): TransferDeps {
  return { db: db(), gateway: cashinClientFromEnv(), now: () => new Date(), gatewayTimeoutMs: env().CASHIN_TIMEOUT_MS };
}

/**
 * The one place an app request hands a batch to its runner: started at once in the background of this process, or, with
 * BACKGROUND=off, left to the workers, whose next reconciler pass (within RECONCILE_INTERVAL_MS) finds the batch without
 * a live lease and runs it (`resumeStalledBatches`, docs/architecture.md#background-work).
 */
export function startBatchRunner(deps: () => TransferDeps, batchId: number, options: BatchRunOptions): void {
  if (!backgroundEnv().BACKGROUND) return;
  startBatchJob(deps, batchId, options);
}

/** Starts a batch's check or send (see `startBatchRunner`), at the configured concurrency. */
function startBatch(batchId: number, ctx?: ActorContext): void {
  startBatchRunner(transferDeps, batchId, { concurrency: env().BATCH_CONCURRENCY, ctx });
}

type Ctx = PersonContext;

/**
 * The batch commands that leave work for the batch's runner, each the domain's own step followed by
 * starting that runner in this process (or leaving it to the workers with BACKGROUND=off): the check after an upload or an edit, the send after a submit
 * under the threshold, an approval or a confirmed resume, the re-check an approval may ask for first.
 */
export const batchCommands = {
  async upload(ctx: Ctx, file: File) {
    const created = await uploadBatchFile(transferDeps(), ctx, file);
    if (created.ok) startBatch(created.data.batchId);
    return created;
  },
  async editRow(ctx: Ctx, input: Parameters<typeof editRow>[2]) {
    const result = await editRow(transferDeps(), ctx, input);
    if (result.ok && result.data.state === "pending") startBatch(input.batchId);
    return result;
  },
  async submit(ctx: Ctx, input: Parameters<typeof submitBatch>[2]) {
    const result = await submitBatch(transferDeps(), ctx, input);
    // A scheduled batch is started by the reconciler at its time (docs/batches.md#scheduled-batches); started here too, it
    // sends only if that time is already here (typed for "now", within the minute's slack).
    if (result.ok && (result.data.status === "sending" || result.data.status === "checking" || result.data.status === "scheduled")) startBatch(input.batchId, ctx);
    return result;
  },
  async approve(ctx: Ctx, input: Parameters<typeof approveBatch>[2]) {
    const result = await approveBatch(transferDeps(), ctx, input);
    if (result.ok && result.data.outcome !== "name_changed" && result.data.outcome !== "recorded") startBatch(input.batchId, ctx);
    return result;
  },
  async resume(ctx: Ctx & { actor: { role: string } }, input: { batchId: number }) {
    const result = await confirmResume(transferDeps(), ctx, input);
    if (result.ok) startBatch(input.batchId, ctx);
    return result;
  },
};
