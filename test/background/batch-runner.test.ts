import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { first } from "@/db/client";
import { batches } from "@/db/schema";
import { parseBatchCsv } from "@/lib/batches/parse";
import { createBatch } from "@/lib/batches/rows";
import { stalledBatches } from "@/lib/batches/runner";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/**
 * docs/architecture.md#background-work: an upload, an approval or a resume in the app hands the batch to its runner through
 * `startBatchRunner` (lib/runtime.ts), the one place that decides: in this process by default, and with BACKGROUND=off
 * nowhere in the app; the batch waits, unleased, for a worker's reconciler pass.
 */

let h: Harness;
const saved = process.env.BACKGROUND;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  if (saved === undefined) delete process.env.BACKGROUND;
  else process.env.BACKGROUND = saved;
  await h.close();
});

async function uploaded(): Promise<number> {
  const parsed = parseBatchCsv(["wallet,phone,amount", "DANA,628121000001,20000", "DANA,628121000002,20000"].join("\n"));
  if (!parsed.ok) throw new Error(parsed.message);
  return expectOk(await createBatch(h.deps, { actor: h.staff, ip: null }, { fileName: "pay.csv", rows: parsed.rows })).batchId;
}

/** lib/runtime.ts as a fresh process with this BACKGROUND reads it (the environment is validated once per process). */
async function runtimeWith(background: string | undefined) {
  if (background === undefined) delete process.env.BACKGROUND;
  else process.env.BACKGROUND = background;
  vi.resetModules();
  return import("@/lib/runtime");
}

const inquiriesAtGateway = () => h.gateway.requests().filter((r) => r.call === "inquiry");

describe("startBatchRunner", () => {
  it("with BACKGROUND=off starts nothing in the app: no look-up leaves, the batch stays unleased for the workers' next pass", async () => {
    const { startBatchRunner } = await runtimeWith("off");
    const id = await uploaded();
    startBatchRunner(() => h.deps, id, { concurrency: 2 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(inquiriesAtGateway()).toHaveLength(0);
    expect(await first(h.db.select({ status: batches.status, leaseUntil: batches.leaseUntil }).from(batches).where(eq(batches.id, id)).limit(1))).toEqual({ status: "checking", leaseUntil: null });
    expect(await stalledBatches(h.db, h.now())).toEqual([id]);
  });

  it("by default (BACKGROUND unset) runs the batch's check in this process at once", async () => {
    const { startBatchRunner } = await runtimeWith(undefined);
    const id = await uploaded();
    startBatchRunner(() => h.deps, id, { concurrency: 2 });
    await expect.poll(async () => (await first(h.db.select({ status: batches.status }).from(batches).where(eq(batches.id, id)).limit(1)))?.status, { timeout: 5_000 }).toBe("ready");
    expect(inquiriesAtGateway()).toHaveLength(2);
  });
});
