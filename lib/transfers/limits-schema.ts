import { z } from "zod";
import { amountField } from "./schemas";

/** Admin-set limits (SPEC §3.3), stored in the database, audited. Amounts in whole rupiah. */
export const defaultLimits = {
  approvalThreshold: 5_000_000,
  maxPerTransfer: 25_000_000,
  dailyTotalPerMaker: 100_000_000,
  approvalWindowHours: 24,
  notFoundGraceMinutes: 10,
} as const;

export type Limits = { -readonly [K in keyof typeof defaultLimits]: number };

// Typed like any amount in this app: "5000000", "5.000.000" or "Rp 5.000.000".
const rupiahSetting = (label: string) =>
  amountField.pipe(z.number().max(1_000_000_000_000, `${label} is at most Rp 1.000.000.000.000`));

export const limitsSchema = z
  .object({
    approvalThreshold: rupiahSetting("Approval threshold"),
    maxPerTransfer: rupiahSetting("Maximum per transfer"),
    dailyTotalPerMaker: rupiahSetting("Daily total per maker"),
    approvalWindowHours: z.coerce.number().int("Whole hours only").min(1, "At least 1 hour").max(24 * 14, "At most 14 days"),
    notFoundGraceMinutes: z.coerce.number().int("Whole minutes only").min(1, "At least 1 minute").max(24 * 60, "At most 24 hours"),
  })
  .refine((l) => l.dailyTotalPerMaker >= l.maxPerTransfer, {
    path: ["dailyTotalPerMaker"],
    message: "The daily total per maker cannot be below the maximum per transfer",
  });
