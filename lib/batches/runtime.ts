import "server-only";
import { env } from "@/lib/env";
import type { ActorContext } from "@/lib/transfers/deps";
import { transferDeps } from "@/lib/transfers/runtime";
import { startBatchJob } from "./runner";

/** Starts a batch's check or send in the background of the app process, at the configured concurrency. */
export function startBatch(batchId: number, ctx?: ActorContext): void {
  startBatchJob(transferDeps, batchId, { concurrency: env().BATCH_CONCURRENCY, ctx });
}
