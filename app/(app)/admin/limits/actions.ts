"use server";

import { z } from "zod";
import { admins, authorizedAction } from "@/lib/auth/action";
import { env } from "@/lib/env";
import { limitsSchemaFor } from "@/lib/transfers/limits-schema";
import { updateLimits } from "@/lib/transfers/settings";

export const updateLimitsAction = authorizedAction(
  {
    name: "limits.update",
    roles: admins,
    stepUp: true,
    // Lazy: the grace period's lower bound comes from this process's CASHIN_TIMEOUT_MS.
    schema: z.lazy(() => limitsSchemaFor(env().CASHIN_TIMEOUT_MS)),
    revalidate: ["/admin/limits", "/transfers/new", "/approvals"],
  },
  (input, { db, user, ip }) => updateLimits({ db, actor: user, ip }, input),
);
