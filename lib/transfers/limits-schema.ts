import { z } from "zod";
import { maxGraceMinutes, minGraceMinutes } from "./grace";
import { msg } from "@/lib/i18n/translate";
import { amountField } from "./schemas";
import { say, type Words } from "./words";

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

// Messages are worded when the form is checked (lib/transfers/schemas.ts), in the reader's language.
const maxRupiahSetting = 1_000_000_000_000;

// Typed like any amount in this app: "5000000", "5.000.000" or "Rp 5.000.000".
const rupiahSetting = (label: "approvalThreshold" | "maxPerTransfer" | "dailyTotalPerMaker") =>
  amountField.pipe(
    z.number().max(maxRupiahSetting, {
      error: () => say((t, f) => t("server.limits.rupiahAtMost", { label: t(`server.limits.label.${label}`), max: f.rupiah(maxRupiahSetting) })),
    }),
  );

/** A count typed the way finance staff write numbers: "20000" or "20.000"; never "20.5" or "2e4". */
const countSetting = (unit: "lookUps" | "rows", max: number) => {
  const enterCount = { error: () => msg("server.limits.enterCount", { unit: msg(`server.limits.unit.${unit}`) }) };
  return z
    .union([z.string(), z.number()], enterCount)
    .transform((raw) => {
      if (typeof raw === "number") return raw;
      const text = raw.trim();
      if (/^\d{1,3}([.,\s]\d{3})+$/.test(text)) return Number(text.replace(/[.,\s]/g, ""));
      return /^\d+$/.test(text) ? Number(text) : NaN;
    })
    .pipe(
      z
        .number(enterCount)
        .int({ error: () => msg("server.limits.wholeCount", { unit: msg(`server.limits.unit.${unit}`) }) })
        .min(1, { error: () => msg("server.limits.atLeastOne") })
        .max(max, { error: () => say((t, f) => t("server.limits.atMost", { max: f.number(max) })) }),
    );
};

/**
 * The rules between limits, for the form's schema and for the save itself (a forged call skips the form):
 * field → message, empty when they hold. Worded by `word`: the reader's language unless told otherwise (the
 * audit trail keeps them in English).
 */
export function crossLimitProblems(
  l: Pick<Limits, "approvalThreshold" | "maxPerTransfer" | "dailyTotalPerMaker">,
  word: (words: Words) => string = say,
): Partial<Record<keyof Limits, string>> {
  const problems: Partial<Record<keyof Limits, string>> = {};
  if (l.dailyTotalPerMaker < l.maxPerTransfer) problems.dailyTotalPerMaker = word((t) => t("server.limits.dailyBelowMax"));
  // Above the maximum, no transfer could reach it: everything would be sent without a manager.
  if (l.approvalThreshold > l.maxPerTransfer) {
    problems.approvalThreshold = word((t, f) => t("server.limits.thresholdAboveMax", { max: f.rupiah(l.maxPerTransfer) }));
  }
  return problems;
}

/** The limits form's schema, shared by the form and the server action; the grace bound depends on CASHIN_TIMEOUT_MS. */
export function limitsSchemaFor(gatewayTimeoutMs: number) {
  const minGrace = minGraceMinutes(gatewayTimeoutMs);
  const wholeHours = { error: () => msg("server.limits.wholeHours") };
  const atLeastOneHour = { error: () => msg("server.limits.atLeastOneHour") };
  return z
    .object({
      approvalThreshold: rupiahSetting("approvalThreshold"),
      maxPerTransfer: rupiahSetting("maxPerTransfer"),
      dailyTotalPerMaker: rupiahSetting("dailyTotalPerMaker"),
      approvalWindowHours: z.coerce.number().int(wholeHours).min(1, atLeastOneHour).max(24 * 14, { error: () => msg("server.limits.atMost14Days") }),
      notFoundGraceMinutes: z.coerce
        .number()
        .int({ error: () => msg("server.limits.wholeMinutes") })
        .min(minGrace, { error: () => msg("server.limits.graceAtLeast", { minutes: String(minGrace), seconds: String(gatewayTimeoutMs / 1000) }) })
        .max(maxGraceMinutes, { error: () => msg("server.limits.atMost24Hours") }),
      nearDuplicateWindowHours: z.coerce.number().int(wholeHours).min(1, atLeastOneHour).max(24 * 30, { error: () => msg("server.limits.atMost30Days") }),
      lookUpsPerHour: countSetting("lookUps", 10_000),
      batchRowsPerDay: countSetting("rows", 1_000_000),
    })
    .superRefine((l, ctx) => {
      for (const [path, message] of Object.entries(crossLimitProblems(l))) ctx.addIssue({ code: "custom", path: [path], message });
    });
}

export type LimitsInput = z.input<ReturnType<typeof limitsSchemaFor>>;
