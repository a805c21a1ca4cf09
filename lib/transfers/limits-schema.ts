import { z } from "zod";
import { amountField } from "./schemas";

/** Admin-set limits (SPEC §3.3, §8.1), stored in the database, audited. Amounts in whole rupiah. */
export const defaultLimits = {
  approvalThreshold: 5_000_000,
  maxPerTransfer: 25_000_000,
  dailyTotalPerMaker: 100_000_000,
  approvalWindowHours: 24,
  notFoundGraceMinutes: 10,
  nearDuplicateWindowHours: 24,
} as const;

export type Limits = { -readonly [K in keyof typeof defaultLimits]: number };

const maxGraceMinutes = 24 * 60;

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

// Typed like any amount in this app: "5000000", "5.000.000" or "Rp 5.000.000".
const rupiahSetting = (label: string) =>
  amountField.pipe(z.number().max(1_000_000_000_000, `${label} is at most Rp 1.000.000.000.000`));

/** The limits form's schema, shared by the form and the server action; the grace bound depends on CASHIN_TIMEOUT_MS. */
export function limitsSchemaFor(gatewayTimeoutMs: number) {
  const minGrace = minGraceMinutes(gatewayTimeoutMs);
  return z
    .object({
      approvalThreshold: rupiahSetting("Approval threshold"),
      maxPerTransfer: rupiahSetting("Maximum per transfer"),
      dailyTotalPerMaker: rupiahSetting("Daily total per maker"),
      approvalWindowHours: z.coerce.number().int("Whole hours only").min(1, "At least 1 hour").max(24 * 14, "At most 14 days"),
      notFoundGraceMinutes: z.coerce
        .number()
        .int("Whole minutes only")
        .min(minGrace, `At least ${minGrace} minutes: 3 × the Cash In timeout (CASHIN_TIMEOUT_MS = ${gatewayTimeoutMs / 1000} s) + 1 minute`)
        .max(maxGraceMinutes, "At most 24 hours"),
      nearDuplicateWindowHours: z.coerce.number().int("Whole hours only").min(1, "At least 1 hour").max(24 * 30, "At most 30 days"),
    })
    .refine((l) => l.dailyTotalPerMaker >= l.maxPerTransfer, {
      path: ["dailyTotalPerMaker"],
      message: "The daily total per maker cannot be below the maximum per transfer",
    });
}

export type LimitsInput = z.input<ReturnType<typeof limitsSchemaFor>>;

/** The grace period in force: the stored one, never shorter than the bound (a timeout raised after it was set). */
export function effectiveGraceMs(limits: Pick<Limits, "notFoundGraceMinutes">, gatewayTimeoutMs: number): number {
  return Math.max(limits.notFoundGraceMinutes, minGraceMinutes(gatewayTimeoutMs)) * 60_000;
}
