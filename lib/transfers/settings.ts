import { z } from "zod";
import type { Db, DbOrTx } from "@/db/client";
import { settings } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { ok, type ActionResult } from "@/lib/result";

/** Admin-set limits (SPEC §3.3), stored in the database, audited. Amounts in whole rupiah. */
export const defaultLimits = {
  approvalThreshold: 5_000_000,
  maxPerTransfer: 25_000_000,
  dailyTotalPerMaker: 100_000_000,
  approvalWindowHours: 24,
  notFoundGraceMinutes: 10,
} as const;

export type Limits = { -readonly [K in keyof typeof defaultLimits]: number };

const rupiahSetting = (label: string) =>
  z.coerce
    .number({ error: `${label}: enter an amount in rupiah` })
    .int(`${label}: whole rupiah only`)
    .min(1, `${label} must be at least Rp 1`)
    .max(1_000_000_000_000, `${label} is too large`);

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

export function getLimits(db: DbOrTx): Limits {
  const limits: Limits = { ...defaultLimits };
  for (const row of db.select().from(settings).all()) {
    if (row.key in limits) limits[row.key as keyof Limits] = row.value;
  }
  return limits;
}

export function updateLimits(
  { db, actor, ip }: { db: Db; actor: { id: number; email: string }; ip: string | null },
  input: Limits,
): ActionResult<Limits> {
  return db.transaction(
    (tx) => {
      const before = getLimits(tx);
      const changed = (Object.keys(input) as (keyof Limits)[]).filter((key) => before[key] !== input[key]);
      if (changed.length === 0) return ok(before, "Nothing changed");
      const now = new Date();
      for (const key of changed) {
        tx.insert(settings)
          .values({ key, value: input[key], updatedAt: now, updatedBy: actor.id })
          .onConflictDoUpdate({ target: settings.key, set: { value: input[key], updatedAt: now, updatedBy: actor.id } })
          .run();
      }
      recordAudit(tx, {
        actor,
        action: "limits.update",
        target: { type: "settings", id: "limits" },
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: Object.fromEntries(changed.map((k) => [k, input[k]])),
        ip,
      });
      return ok(getLimits(tx), "Limits saved");
    },
    { behavior: "immediate" },
  );
}

