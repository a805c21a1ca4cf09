/**
 * Runs `work` over `items` with at most `concurrency` at once, in order of start: the one bounded pool of
 * this app (batch look-ups and sends, the reconciler, "Refresh all unsettled", the benchmark).
 */
export async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
