import "server-only";
import { db } from "@/db/client";
import { startBatchJob } from "@/lib/batches/runner";
import { cashinClientFromEnv } from "@/lib/cashin/from-env";
import { env } from "@/lib/env";
import type { ActorContext, TransferDeps } from "@/lib/transfers/deps";

/** The domain wired to this process: its database, its Cash In client, the real clock and the configured limits. */
export function transferDeps(): TransferDeps {
  return { db: db(), gateway: cashinClientFromEnv(), now: () => new Date(), gatewayTimeoutMs: env().CASHIN_TIMEOUT_MS };
}

/** Starts a batch's check or send in the background of the app process, at the configured concurrency. */
export function startBatch(batchId: number, ctx?: ActorContext): void {
  startBatchJob(transferDeps, batchId, { concurrency: env().BATCH_CONCURRENCY, ctx });
}
