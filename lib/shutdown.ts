/**
 * A clean stop (docs/architecture.md#stopping-cleanly): on SIGTERM the app sends nothing new, lets the
 * top-ups already in flight get their answer (each bounded by the gateway timeout), then closes. A transfer
 * is never left `sending` by a clean stop; one that was never claimed stays `approved`, and the reconciler
 * sends it after the restart.
 *
 * Kept on globalThis: Next.js compiles instrumentation and the request handlers separately, and both must
 * see one state.
 */
type State = { draining: boolean; inFlight: Set<Promise<unknown>> };

const key = Symbol.for("cashin-payouts.shutdown");
const holder = globalThis as unknown as Record<symbol, State | undefined>;
const state: State = (holder[key] ??= { draining: false, inFlight: new Set() });

export function isDraining(): boolean {
  return state.draining;
}

/** From now on no new top-up starts (the claim `approved → sending` is not attempted). */
export function beginDraining(): void {
  state.draining = true;
}

/** Counts a piece of work (a top-up and storing its answer) until it settles. */
export function trackInFlight<T>(work: Promise<T>): Promise<T> {
  state.inFlight.add(work);
  const done = () => state.inFlight.delete(work);
  work.then(done, done);
  return work;
}

export function inFlightCount(): number {
  return state.inFlight.size;
}

/** Waits until nothing is in flight, or `timeoutMs`; answers how many were still in flight. */
export async function drained(timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (state.inFlight.size > 0 && Date.now() < deadline) {
    const left = deadline - Date.now();
    await Promise.race([Promise.allSettled([...state.inFlight]), new Promise((resolve) => setTimeout(resolve, Math.min(left, 250)))]);
  }
  return state.inFlight.size;
}

/** For tests: back to a running state. */
export function resetShutdownState(): void {
  state.draining = false;
  state.inFlight.clear();
}
