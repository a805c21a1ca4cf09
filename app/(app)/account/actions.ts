"use server";

import { headers } from "next/headers";
import { z } from "zod";
import { anyone, authorizedAction } from "@/lib/auth/action";
import { clientIp } from "@/lib/auth/client-ip";
import { signOut } from "@/lib/auth/nextauth";
import { regenerateRecoveryCodes } from "@/lib/auth/second-factor";
import { checkSession, revokeAllSessions } from "@/lib/auth/session";

/** New recovery codes replace the old ones: a fresh second-factor code is needed (docs/sign-in.md#step-up). */
export const regenerateRecoveryCodesAction = authorizedAction(
  { name: "auth.recovery_codes", roles: anyone, schema: z.object({}), stepUp: true, revalidate: ["/account"] },
  async (_input, { db, user, ip }) => {
    const check = await checkSession();
    return regenerateRecoveryCodes({ db, user, ip, sessionId: check.status === "ok" ? check.session.id : null });
  },
);

/** Ends every session of the person, this one included (a lost laptop, a shared computer). */
export async function signOutEverywhereAction(): Promise<void> {
  const check = await checkSession();
  if (check.status === "ok" || check.status === "incomplete") revokeAllSessions(check.user, clientIp(await headers()));
  await signOut({ redirectTo: "/login?reason=signed-out-everywhere" });
}
