import "server-only";
import { headers } from "next/headers";
import { redirect, unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { db, type Db } from "@/db/client";
import type { SessionRow, User } from "@/db/schema";
import { recordAuditNow } from "@/lib/audit/record";
import { log, newRequestId, requestIdHeader, withRequestContext } from "@/lib/log";
import { withRequestLocale } from "@/lib/i18n/request-locale";
import { msg } from "@/lib/i18n/translate";
import { fail, fieldErrorsOf, type ActionResult } from "@/lib/result";
import { englishFieldErrors, somethingWentWrong } from "./action";
import { clientIp } from "./client-ip";
import { checkSession, signInStepUrl, signInUrl, type SignInStep } from "./session";

export type StepContext = { db: Db; user: User; session: SessionRow; ip: string };

/**
 * The actions of the sign-in steps (docs/sign-in.md#signing-in): like `authorizedAction`, but for a session
 * that may not be complete yet. `steps` names where the action belongs: a step still to do, or "complete"
 * for a finished sign-in. Any other state is sent where it belongs; refused input is audited.
 */
export function signInStepAction<S extends z.ZodType, T>(
  spec: { name: string; steps: readonly (SignInStep | "complete")[]; schema: S },
  run: (input: z.output<S>, ctx: StepContext) => Promise<ActionResult<T>> | ActionResult<T>,
): (input: unknown) => Promise<ActionResult<T>> {
  return (input: unknown) =>
    withRequestLocale(async () => {
      const check = await checkSession();
      if (check.status === "anonymous") redirect(await signInUrl("expired"));
      if (check.status === "ended") redirect(await signInUrl(check.reason));
      const state = check.status === "ok" ? "complete" : check.next;
      if (!spec.steps.includes(state)) redirect(state === "complete" ? "/" : signInStepUrl(state, "/"));
      const requestHeaders = await headers();
      const ip = clientIp(requestHeaders);
      const parsed = spec.schema.safeParse(input);
      if (!parsed.success) {
        const fieldErrors = fieldErrorsOf(parsed.error.issues);
        await recordAuditNow(db(), { actor: check.user, action: `${spec.name}.refused`, target: { type: "user", id: check.user.id }, after: { fieldErrors: englishFieldErrors(spec.schema, input) }, ip });
        return fail("invalid", msg("server.action.invalid"), fieldErrors);
      }
      const context = { requestId: requestHeaders.get(requestIdHeader) ?? newRequestId(), userId: check.user.id };
      try {
        return await withRequestContext(context, () => run(parsed.data, { db: db(), user: check.user, session: check.session, ip }));
      } catch (error) {
        unstable_rethrow(error); // the redirect that ends a finished step
        withRequestContext(context, () => log().error({ action: spec.name, err: error }, "unexpected error in an action"));
        return fail("error", somethingWentWrong(context.requestId));
      }
    });
}
