import { z } from "zod";
import { maxGraceMinutes, minGraceMinutes } from "./grace";
import { formatNumber, formatRupiah } from "@/lib/format";
import { amountField } from "./schemas";

/** Admin-set limits (docs/limits.md#the-limits, docs/lifecycle.md#paying-twice-is-impossible), stored in the database, audited. Amounts in whole rupiah. */
export const defaultLimits = {
  approvalThreshold: 5_000_000,
  maxPerTransfer: 25_000_000,
  dailyTotalPerMaker: 100_000_000,
  approvalWindowHours: 24,
  notFoundGraceMinutes: 10,
  nearDuplicateWindowHours: 24,
  lookUpsPerHour: 120,
  batchRowsPerDay: 20_000,
} as const;

export type Limits = { -readonly [K in keyof typeof defaultLimits]: number };

// Typed like any amount in this app: "5000000", "5.000.000" or "Rp 5.000.000".
const rupiahSetting = (label: string) =>
  amountField.pipe(z.number().max(1_000_000_000_000, `${label} is at most Rp 1.000.000.000.000`));

/** A count typed the way finance staff write numbers: "20000" or "20.000"; never "20.5" or "2e4". */
const countSetting = (unit: string, max: number) =>
  z
    .union([z.string(), z.number()], { error: `Enter a whole number of ${unit}` })
    .transform((raw) => {
      if (typeof raw === "number") return raw;
      const text = raw.trim();
      if (/^\d{1,3}([.,\s]\d{3})+$/.test(text)) return Number(text.replace(/[.,\s]/g, ""));
      return /^\d+$/.test(text) ? Number(text) : NaN;
    })
    .pipe(
      z
        .number({ error: `Enter a whole number of ${unit}` })
        .int(`Whole ${unit} only`)
        .min(1, "At least 1")
        .max(max, `At most ${formatNumber(max)}`),
    );

/**
 * The rules between limits, for the form's schema and for the save itself (a forged call skips the form):
 * field → message, empty when they hold.
 */
export function crossLimitProblems(l: Pick<Limits, "approvalThreshold" | "maxPerTransfer" | "dailyTotalPerMaker">): Partial<Record<keyof Limits, string>> {
  const problems: Partial<Record<keyof Limits, string>> = {};
  if (l.dailyTotalPerMaker < l.maxPerTransfer) problems.dailyTotalPerMaker = "The daily total per maker cannot be below the maximum per transfer";
  // Above the maximum, no transfer could reach it: everything would be sent without a manager.
  if (l.approvalThreshold > l.maxPerTransfer) {
    problems.approvalThreshold = `The approval threshold cannot be above the maximum per transfer (${formatRupiah(l.maxPerTransfer)}): no transfer would then need a manager's approval`;
  }
  return problems;
}

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
      lookUpsPerHour: countSetting("look-ups", 10_000),
      batchRowsPerDay: countSetting("rows", 1_000_000),
    })
    .superRefine((l, ctx) => {
      for (const [path, message] of Object.entries(crossLimitProblems(l))) ctx.addIssue({ code: "custom", path: [path], message });
    });
}

export type LimitsInput = z.input<ReturnType<typeof limitsSchemaFor>>;
