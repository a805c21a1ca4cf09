import { first, type Db, type DbOrTx } from "@/db/client";
import { eq } from "drizzle-orm";
import { policies, settings } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { msg } from "@/lib/i18n/translate";
import { fail, ok, type ActionResult } from "@/lib/result";
import { crossLimitProblems, defaultLimits, type Limits } from "./limits-schema";
import { inEnglish, say } from "./words";
import { tiersPolicyKey } from "@/lib/policies/tiers-schema";

export async function getLimits(db: DbOrTx): Promise<Limits> {
  const limits: Limits = { ...defaultLimits };
  for (const row of await db.select().from(settings)) {
    if (row.key in limits) limits[row.key as keyof Limits] = row.value;
  }
  return limits;
}

/** The second approval tier's floor, if the tiers have one (read here, not through lib/policies/tiers.ts, which reads the limits). */
async function secondTierFloor(db: DbOrTx): Promise<number | null> {
  const tiers = (await first(db.select({ value: policies.value }).from(policies).where(eq(policies.key, tiersPolicyKey)).limit(1)))?.value as { floor: number }[] | undefined;
  return tiers && tiers.length > 1 ? tiers[1]!.floor : null;
}

export async function updateLimits(
  { db, actor, ip }: { db: Db; actor: { id: number; email: string }; ip: string | null },
  input: Limits,
): Promise<ActionResult<Limits>> {
  return db.transaction(
    async (tx): Promise<ActionResult<Limits>> => {
      // The form refuses these too; a call that skipped it is refused here, and audited (docs/limits.md#changing-limits), in English.
      const problems = crossLimitProblems(input);
      // The threshold is the first approval tier's floor (docs/policies.md#approval-tiers): it stays below the second's.
      const secondFloor = await secondTierFloor(tx);
      if (secondFloor !== null && input.approvalThreshold >= secondFloor) {
        problems.approvalThreshold = say((t, f) => t("server.tiers.thresholdAtSecondTier", { floor: f.rupiah(secondFloor) }));
      }
      if (Object.keys(problems).length > 0) {
        const refused = { ...crossLimitProblems(input, inEnglish), ...(problems.approvalThreshold && !crossLimitProblems(input).approvalThreshold ? { approvalThreshold: inEnglish((t, f) => t("server.tiers.thresholdAtSecondTier", { floor: f.rupiah(secondFloor!) })) } : {}) };
        await recordAudit(tx, { actor, action: "limits.update_refused", target: { type: "settings", id: "limits" }, after: { ...input, refused }, ip });
        return fail("invalid", Object.values(problems).join(". "), Object.fromEntries(Object.entries(problems).map(([field, message]) => [field, [message]])));
      }
      const before = await getLimits(tx);
      const changed = (Object.keys(input) as (keyof Limits)[]).filter((key) => before[key] !== input[key]);
      if (changed.length === 0) return ok(before, msg("server.limits.unchanged"));
      const now = new Date();
      for (const key of changed) {
        await tx
          .insert(settings)
          .values({ key, value: input[key], updatedAt: now, updatedBy: actor.id })
          .onConflictDoUpdate({ target: settings.key, set: { value: input[key], updatedAt: now, updatedBy: actor.id } });
      }
      await recordAudit(tx, {
        actor,
        action: "limits.update",
        target: { type: "settings", id: "limits" },
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: Object.fromEntries(changed.map((k) => [k, input[k]])),
        ip,
      });
      return ok(await getLimits(tx), msg("server.limits.saved"));
    },
  );
}

