"use server";

import { CredentialsSignin } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { signIn, signOut } from "@/lib/auth/nextauth";
import { db } from "@/db/client";
import { refusedAddressWords } from "@/lib/auth/allow-list";
import { clientIp } from "@/lib/auth/client-ip";
import { changeOwnPassword } from "@/lib/auth/own-password";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { confirmEnrolment, proveSecondFactor } from "@/lib/auth/second-factor";
import { requestSession, revokeSession } from "@/lib/auth/session";
import { signInStepAction } from "@/lib/auth/step-action";
import { throttleState } from "@/lib/auth/throttle";
import { currentLocale } from "@/lib/i18n/current";
import { toLocale } from "@/lib/i18n/locales";
import { withRequestLocale } from "@/lib/i18n/request-locale";
import { msg } from "@/lib/i18n/translate";
import { setLocaleCookie } from "@/lib/users/language";
import { formatFor } from "@/lib/format";
import { say } from "@/lib/transfers/words";
import { fail, fieldErrorsOf, type ActionResult } from "@/lib/result";
import { changePasswordSchema, enrolmentCodeSchema, secondFactorCodeSchema, signInSchema } from "@/lib/users/schemas";

/**
 * Sign-in is the one action without a session, so it parses its own input here; its answers are in the language of
 * the browser's `locale` cookie (the sign-in page's switcher), like every other action's.
 */
export async function signInAction(input: unknown): Promise<ActionResult<null>> {
  return withRequestLocale(() => attemptSignIn(input));
}

async function attemptSignIn(input: unknown): Promise<ActionResult<null>> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) {
    return fail("invalid", msg("server.action.invalid"), fieldErrorsOf(parsed.error.issues));
  }
  const { email, password, callbackUrl } = parsed.data;
  try {
    await signIn("credentials", { email, password, redirectTo: safeCallbackPath(callbackUrl) });
  } catch (error) {
    if (!(error instanceof CredentialsSignin)) throw error; // includes the redirect that signs the user in
    if (error.code === "throttled") {
      const now = new Date();
      const state = await throttleState(db(), email, clientIp(await headers()), now);
      if (!state.throttled) return fail("forbidden", msg("server.signIn.throttledSoon"));
      const seconds = Math.ceil((state.retryAt.getTime() - now.getTime()) / 1000);
      return fail(
        "forbidden",
        seconds < 60 ? msg("server.signIn.throttledSeconds", { seconds }) : msg("server.signIn.throttledUntil", { time: formatFor(currentLocale()).time(state.retryAt) }),
      );
    }
    if (error.code === "deactivated") return fail("forbidden", msg("server.signIn.deactivated"));
    if (error.code === "expired_password") return fail("forbidden", msg("server.signIn.temporaryPasswordExpired"));
    if (error.code === "address_refused") return fail("forbidden", say(refusedAddressWords(clientIp(await headers()))));
    return fail("invalid", msg("server.signIn.wrongCredentials"));
  }
  return fail("error", msg("server.signIn.wrongCredentials"));
}

/** Step 2 of signing in: the code from the authenticator app, or a recovery code. */
export const proveSignInCodeAction = signInStepAction(
  { name: "auth.second_factor", steps: ["code"], schema: secondFactorCodeSchema },
  async (input, { db, user, session, ip }) => {
    const proof = await proveSecondFactor({ db, user, ip, sessionId: session.id }, input.code);
    if (!proof.ok) return fail(proof.reason === "locked" ? "forbidden" : "invalid", proof.message, { code: [proof.message] });
    redirect(safeCallbackPath(input.callbackUrl));
  },
);

/** Enrolment (first sign-in of a manager or admin, or a staff member from My account): the first code. */
export const confirmEnrolmentAction = signInStepAction(
  { name: "auth.second_factor_enrol", steps: ["enrol", "complete"], schema: enrolmentCodeSchema },
  (input, { db, user, session, ip }) => confirmEnrolment({ db, user, ip, sessionId: session.id }, input.code),
);

/** A temporary password replaced at the first sign-in, or a person's own change from My account. */
export const changePasswordAction = signInStepAction(
  { name: "auth.password_change", steps: ["password", "complete"], schema: changePasswordSchema },
  (input, { db, user, session, ip }) => changeOwnPassword({ db, user, sessionId: session.id, ip }, input),
);

export async function signOutAction(): Promise<void> {
  await revokeSession(await requestSession(), clientIp(await headers()));
  await signOut({ redirectTo: "/login?reason=signed-out" });
}

/**
 * The sign-in pages' language switcher (docs/language.md#choosing-the-language): public, like signing in,
 * and it sets only this browser's `locale` cookie. Whatever arrives goes through toLocale(): anything but
 * "id" or "en" (a forged post, no form at all) is Indonesian.
 */
export async function chooseSignInLanguageAction(form: unknown): Promise<void> {
  await setLocaleCookie(toLocale(form instanceof FormData ? form.get("locale") : undefined));
}
