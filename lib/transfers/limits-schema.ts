import { z } from "zod";
import { maxGraceMinutes, minGraceMinutes } from "./grace";
import { amountField } from "./schemas";

/** Admin-set limits (docs/limits.md#the-limits, docs/lifecycle.md#paying-twice-is-impossible), stored in the database, audited. Amounts in whole rupiah. */
export const defaultLimits = {
  approvalThreshold: 5_000_000,
  maxPerTransfer: 25_000_000,
  dailyTotalPerMaker: 100_000_000,
  approvalWindowHours: 24,
  notFoundGraceMinutes: 10,
  nearDuplicateWindowHours: 24,
} as const;

export type Limits = { -readonly [K in keyof typeof defaultLimits]: number };

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
