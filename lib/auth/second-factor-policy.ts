import type { Db } from "@/db/client";
import { settings } from "@/db/schema";
import type { Person } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/record";
import { msg } from "@/lib/i18n/translate";
import { ok, type ActionResult } from "@/lib/result";
import { requireAllSettingKey, secondFactorRequiredForAll } from "./second-factor";

/** The admin setting that asks staff for a second factor too (managers and admins always need one). */
export function setSecondFactorRequiredForAll(ctx: { db: Db; actor: Person; ip: string | null }, requiredForAll: boolean): Promise<ActionResult<null>> {
  return ctx.db.transaction(
    async (tx): Promise<ActionResult<null>> => {
      const before = await secondFactorRequiredForAll(tx);
      if (before === requiredForAll) return ok(null, msg(requiredForAll ? "server.auth.policy.alreadyRequired" : "server.auth.policy.alreadyOptional"));
      const value = requiredForAll ? 1 : 0;
      await tx
        .insert(settings)
        .values({ key: requireAllSettingKey, value, updatedAt: new Date(), updatedBy: ctx.actor.id })
        .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date(), updatedBy: ctx.actor.id } });
      await recordAudit(tx, { actor: ctx.actor, action: "settings.second_factor", target: { type: "settings", id: requireAllSettingKey }, before: { requiredForAll: before }, after: { requiredForAll }, ip: ctx.ip });
      return ok(null, msg(requiredForAll ? "server.auth.policy.required" : "server.auth.policy.optional"));
    },
  );
}
