import "server-only";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { z } from "zod";
import { db, type Db } from "@/db/client";
import type { Role, User } from "@/db/schema";
import { recordAuditNow } from "@/lib/audit/record";
import { log, newRequestId, requestIdHeader, withRequestContext } from "@/lib/log";
import { withLocale, withRequestLocale } from "@/lib/i18n/request-locale";
import { msg } from "@/lib/i18n/translate";
import { fail, fieldErrorsOf, type ActionResult } from "@/lib/result";
import { clientIp } from "./client-ip";
import { findSecondFactor, isEnrolled, proveSecondFactor } from "./second-factor";

import { checkSession, signInStepUrl, signInUrl, stepUpFreshUntil } from "./session";

export type ActionContext = { db: Db; user: User; ip: string };

/** The generic answer to an unexpected error: the reference is the request id its log lines carry. */
export function somethingWentWrong(requestId: string): string {
  return msg("server.action.somethingWentWrong", { reference: requestId });
}

/** Refused input as the audit trail keeps it: in English, whatever the requester reads (docs/language.md#what-the-server-says). */
export function englishFieldErrors(schema: z.ZodType, input: unknown): Record<string, string[]> {
  // Inside: zod words an issue's message when the issues are first read, not when parsing.
  return withLocale("en", () => {
    const parsed = schema.safeParse(input);
    return parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
  });
}

/** Who may call an action, by role (docs/roles.md): named once, used by every action file. */
export const anyone = ["staff", "manager", "admin"] as const satisfies readonly Role[];
export const managers = ["manager"] as const satisfies readonly Role[];
export const admins = ["admin"] as const satisfies readonly Role[];

type ActionSpec<S extends z.ZodType> = {
  /** Names the action in the audit trail and in logs, e.g. "user.create". */
  name: string;
  roles: readonly Role[];
  schema: S;
  /** Paths whose cached pages change when the action succeeds. */
  revalidate?: readonly string[];
  /** Input the form would never send (a missing reason, a bad id) is audited as a refused attempt. */
  auditInvalid?: boolean;
  /**
   * Needs a second-factor code proved in the last 5 minutes (docs/sign-in.md#step-up): otherwise the input's
   * `secondFactorCode` is checked here, on the server, whatever the screen did or skipped.
   */
  stepUp?: boolean;
};

/** The step-up code travels beside the action's own input; it is taken out before the input is parsed. */
export const stepUpField = "secondFactorCode";

function splitStepUpCode(input: unknown): { code: string | null; rest: unknown } {
  if (typeof input !== "object" || input === null || Array.isArray(input) || !(stepUpField in input)) return { code: null, rest: input };
  const { [stepUpField]: code, ...rest } = input as Record<string, unknown>;
  return { code: typeof code === "string" && code.trim() !== "" ? code.slice(0, 64) : null, rest };
}

/**
 * The only way to write a server action (STYLE §2): session → user re-read from the database →
 * role → input parsed with zod → the action → revalidate → a typed result. The role is checked
 * before the input is looked at, so a caller without the right cannot probe validation rules, and
 * such forged calls are audited. Unexpected errors are logged with a reference a person can quote.
 */
export function authorizedAction<S extends z.ZodType, T>(
  spec: ActionSpec<S>,
  run: (input: z.output<S>, ctx: ActionContext) => Promise<ActionResult<T>> | ActionResult<T>,
): (input: unknown) => Promise<ActionResult<T>> {
  return (input: unknown) => withRequestLocale(() => runAuthorized(spec, run, input));
}

async function runAuthorized<S extends z.ZodType, T>(
  spec: ActionSpec<S>,
  run: (input: z.output<S>, ctx: ActionContext) => Promise<ActionResult<T>> | ActionResult<T>,
  input: unknown,
): Promise<ActionResult<T>> {
  const check = await checkSession();
  if (check.status === "anonymous") redirect(await signInUrl("expired"));
  if (check.status === "ended") redirect(await signInUrl(check.reason));
  const requestHeaders = await headers();
  if (check.status === "incomplete") redirect(signInStepUrl(check.next, requestHeaders.get("x-request-path") ?? "/"));
  const { user, session } = check;
  const ip = clientIp(requestHeaders);

  if (!spec.roles.includes(user.role)) {
    await recordAuditNow(db(), {
      actor: user,
      action: "access.denied",
      target: { type: "action", id: spec.name },
      after: { role: user.role, allowed: spec.roles },
      ip,
    });
    return fail("forbidden", msg("server.action.forbidden"));
  }

  const { code, rest } = splitStepUpCode(input);
  const parsed = spec.schema.safeParse(rest);
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error.issues);
    if (spec.auditInvalid) {
      await recordAuditNow(db(), { actor: user, action: `${spec.name}.refused`, target: { type: "action", id: spec.name }, after: { fieldErrors: englishFieldErrors(spec.schema, rest) }, ip });
    }
    return fail("invalid", msg("server.action.invalid"), fieldErrors);
  }

  if (spec.stepUp && !isEnrolled(await findSecondFactor(db(), user.id))) {
    // Only staff can get here without one (managers and admins enrol before any page).
    return fail("forbidden", msg("server.action.noFactorForStepUp"));
  }
  if (spec.stepUp && Date.now() >= stepUpFreshUntil(session)) {
    const asked = msg("server.action.stepUpAsked");
    if (!code) return fail("step_up", asked, { [stepUpField]: [asked] });
    const proof = await proveSecondFactor({ db: db(), user, ip, sessionId: session.id }, code);
    if (!proof.ok) return fail("step_up", proof.message, { [stepUpField]: [proof.message] });
  }

  let result: ActionResult<T>;
  const requestId = requestHeaders.get(requestIdHeader) ?? newRequestId();
  try {
    result = await withRequestContext({ requestId, userId: user.id }, () => run(parsed.data, { db: db(), user, ip }));
  } catch (error) {
    withRequestContext({ requestId, userId: user.id }, () => log().error({ action: spec.name, err: error }, "unexpected error in an action"));
    return fail("error", somethingWentWrong(requestId));
  }
  if (result.ok) for (const path of spec.revalidate ?? []) revalidatePath(path);
  return result;
}
