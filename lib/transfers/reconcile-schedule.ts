/** When the reconciler asks Cash In again about an unsettled transfer (issue 4 §4). */
const backoffMs = [5_000, 15_000, 60_000, 5 * 60_000] as const;
const steadyMs = 15 * 60_000;

export const firstCheckDelayMs = backoffMs[0];

/** Stop asking after 3 days: by then a person must look into it with Cash In. */
export const giveUpAfterMs = 3 * 24 * 60 * 60_000;

/** The wait after the `checks`-th check (1-based): 5 s, 15 s, 1 min, 5 min, then every 15 min. */
export function nextCheckDelayMs(checks: number): number {
  return backoffMs[checks] ?? steadyMs;
}
