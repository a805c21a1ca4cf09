"use server";

import { authorizedAction } from "@/lib/auth/action";
import { limitsSchema } from "@/lib/transfers/limits-schema";
import { updateLimits } from "@/lib/transfers/settings";

export const updateLimitsAction = authorizedAction(
  { name: "limits.update", roles: ["admin"], schema: limitsSchema, revalidate: ["/admin/limits", "/transfers/new", "/approvals"] },
  (input, { db, user, ip }) => updateLimits({ db, actor: user, ip }, input),
);
