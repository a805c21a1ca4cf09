"use server";

import { admins, authorizedAction } from "@/lib/auth/action";
import { saveTiers, tiersInputSchema } from "@/lib/policies/tiers";

/** Saves the approval tiers (docs/policies.md#approval-tiers); their first floor is the approval threshold on Limits. */
export const saveTiersAction = authorizedAction(
  { name: "policy.approval_tiers", roles: admins, stepUp: true, schema: tiersInputSchema, revalidate: ["/admin/tiers", "/admin/limits", "/approvals", "/transfers/new"] },
  (input, { db, user, ip }) => saveTiers({ db, actor: user, ip }, input),
);
