"use server";

import { z } from "zod";
import { admins, authorizedAction } from "@/lib/auth/action";
import { resumeSending, setDepositAlerts } from "@/lib/sending/pause";

/** An admin ends the deposit pause (docs/deposit-alerts.md): one click after a confirmation, audited as sending.resumed. */
export const resumeSendingAction = authorizedAction(
  { name: "sending.resume", roles: admins, schema: z.object({ pauseId: z.number().int().positive() }).strict(), revalidate: ["/admin/sending", "/attention"] },
  (input, { db, user, ip }) => resumeSending({ db, actor: user, ip }, input),
);

/** The deposit alerts policy, on or off (docs/deposit-alerts.md#the-policy): a money-safety switch, so a fresh second factor. */
export const setDepositAlertsAction = authorizedAction(
  { name: "policy.deposit_alerts", roles: admins, stepUp: true, schema: z.object({ on: z.boolean() }).strict(), revalidate: ["/admin/sending"] },
  (input, { db, user, ip }) => setDepositAlerts({ db, actor: user, ip }, input),
);
