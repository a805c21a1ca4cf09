/** When the reconciler asks Cash In again about a transfer (issue 4 §4, docs/lifecycle.md#paying-twice-is-impossible). */
const backoffMs = [5_000, 15_000, 60_000, 5 * 60_000] as const;
const steadyMs = 15 * 60_000;

export const firstCheckDelayMs = backoffMs[0];

/** Stop asking after 3 days: by then the transfer is unresolved and a person must look into it with Cash In. */
export const giveUpAfterMs = 3 * 24 * 60 * 60_000;

/** The wait after the `checks`-th check (1-based): 5 s, 15 s, 1 min, 5 min, then every 15 min. */
export function nextCheckDelayMs(checks: number): number {
  return backoffMs[checks] ?? steadyMs;
}

const hourMs = 60 * 60_000;

/**
 * A settled transfer is asked about again 1 hour, 1 day and 7 days after it settled: a success may still
 * be refunded, and a later answer that contradicts the settled status is a discrepancy for a person.
 */
const watchOffsetsMs = [hourMs, 24 * hourMs, 7 * 24 * hourMs] as const;

/** The next watch check after `now`, or null once the last one is past. */
export function nextWatchAt(settledAt: Date, now: Date): Date | null {
  for (const offset of watchOffsetsMs) {
    const at = settledAt.getTime() + offset;
    if (at > now.getTime()) return new Date(at);
  }
  return null;
}
