import { Worker } from "node:worker_threads";
import { log } from "@/lib/log";
import type { DashboardFigures } from "./figures";
import type { FiguresAnswer, FiguresRequest } from "./figures-worker";
import type { DashboardRange } from "./range";

/** A million transfers take about two seconds; far longer means the worker is stuck. */
export const figuresTimeoutMs = 60_000;

type Pending = { resolve: (figures: DashboardFigures) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };
type Reader = { worker: Worker; file: string; pending: Map<number, Pending>; nextId: number };

const holderKey = Symbol.for("cashin-payouts.dashboard-reader");
const holder = globalThis as unknown as Record<symbol, Reader | undefined>;

function reader(file: string): Reader {
  const current = holder[holderKey];
  if (current && current.file === file) return current;
  if (current) void current.worker.terminate();
  // Turbopack bundles a worker entry written exactly in this form (see lib/batches/parse-off-thread.ts).
  const worker = new Worker(new URL("./figures-worker.ts", import.meta.url), {
    workerData: { file },
    execArgv: process.env.TURBOPACK ? undefined : ["--require", "tsx/cjs"],
  });
  // An idle reader does not keep a script or a test process alive.
  worker.unref();
  const created: Reader = { worker, file, pending: new Map(), nextId: 1 };
  const failAll = (error: Error) => {
    for (const [, pending] of created.pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    created.pending.clear();
    if (holder[holderKey] === created) holder[holderKey] = undefined;
  };
  worker.on("message", (answer: FiguresAnswer) => {
    const pending = created.pending.get(answer.id);
    if (!pending) return;
    created.pending.delete(answer.id);
    clearTimeout(pending.timer);
    if ("error" in answer) pending.reject(new Error(answer.error));
    else pending.resolve(answer.figures);
  });
  worker.on("error", (error) => failAll(error));
  worker.on("exit", (code) => failAll(new Error(`the dashboard reader exited with code ${code}`)));
  holder[holderKey] = created;
  return created;
}

/**
 * The dashboard's figures read in a worker thread over the database file (docs/dashboard.md#freshness): a range of a
 * million transfers keeps a CPU busy for a second or two, and on the server's thread that would hold every other
 * request meanwhile. One long-lived worker per process answers in turn; a worker that fails or does not answer in
 * time is logged, and the caller reads on its own thread instead.
 */
export function figuresOffThread(file: string, range: DashboardRange, { timeoutMs = figuresTimeoutMs } = {}): Promise<DashboardFigures> {
  const current = reader(file);
  const id = current.nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      current.pending.delete(id);
      reject(new Error(`no answer after ${timeoutMs} ms`));
      void current.worker.terminate();
    }, timeoutMs);
    timer.unref();
    current.pending.set(id, { resolve, reject, timer });
    current.worker.postMessage({ id, range } satisfies FiguresRequest);
  }).catch((error: unknown) => {
    log().error({ err: error, range }, "[dashboard] the reader thread failed; reading on the app's thread");
    throw error;
  }) as Promise<DashboardFigures>;
}
