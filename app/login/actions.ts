"use server";

import { CredentialsSignin } from "next-auth";
import { headers } from "next/headers";
import { auth, signIn, signOut } from "@/lib/auth/nextauth";
import { db } from "@/db/client";
import { clientIp } from "@/lib/auth/client-ip";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { revokeSession } from "@/lib/auth/session";
import { throttleState } from "@/lib/auth/throttle";
import { formatTime } from "@/lib/format";
import { fail, fieldErrorsOf, type ActionResult } from "@/lib/result";
import { signInSchema } from "@/lib/users/schemas";

const wrongCredentials = "Wrong e-mail or password.";

/** Sign-in is the one action without a session, so it parses its own input here. */
export async function signInAction(input: unknown): Promise<ActionResult<null>> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) {
    return fail("invalid", "Please correct the highlighted fields.", fieldErrorsOf(parsed.error.issues));
  }
  const { email, password, callbackUrl } = parsed.data;
  try {
    await signIn("credentials", { email, password, redirectTo: safeCallbackPath(callbackUrl) });
  } catch (error) {
    if (!(error instanceof CredentialsSignin)) throw error; // includes the redirect that signs the user in
    if (error.code === "throttled") {
      const state = throttleState(db(), email, clientIp(await headers()), new Date());
      const until = state.throttled ? ` after ${formatTime(state.retryAt)}` : " in 15 minutes";
      return fail("forbidden", `Too many failed sign-ins. For your security, try again${until}.`);
    }
    if (error.code === "deactivated") return fail("forbidden", "This account is deactivated. Ask an admin to reactivate it.");
    return fail("invalid", wrongCredentials);
  }
  return fail("error", wrongCredentials);
}

export async function signOutAction(): Promise<void> {
  await revokeSession(await auth(), clientIp(await headers()));
  await signOut({ redirectTo: "/login?reason=signed-out" });
}
