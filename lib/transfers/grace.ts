/**
 * The not-found grace period's bounds (docs/lifecycle.md): no imports, so that the environment's validation
 * and the limits form share them.
 */

export const maxGraceMinutes = 24 * 60;

/**
 * The shortest grace period that cannot mistake a slow top-up for one never sent: the top-up may be in
 * flight for one client timeout and the status call that answers "not found" tries up to three times,
 * plus a minute for clocks and queues. Whole minutes, rounded up.
 */
export function minGraceMinutes(gatewayTimeoutMs: number): number {
  return Math.ceil((3 * gatewayTimeoutMs + 60_000) / 60_000);
}

/** The largest client timeout whose minimum grace period still fits the 24 h maximum. */
export const maxGatewayTimeoutMs = ((maxGraceMinutes - 1) * 60_000) / 3;

/** The grace period in force: the stored one, never shorter than the bound (a timeout raised after it was set). */
export function effectiveGraceMs(limits: { notFoundGraceMinutes: number }, gatewayTimeoutMs: number): number {
  return Math.max(limits.notFoundGraceMinutes, minGraceMinutes(gatewayTimeoutMs)) * 60_000;
}
