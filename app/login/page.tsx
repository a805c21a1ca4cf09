import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { InsecureAddressNotice } from "@/components/auth/insecure-address-notice";
import { LoginForm } from "@/components/auth/login-form";
import { SignInCard } from "@/components/auth/sign-in-card";
import { signInAction } from "./actions";
import { authConfig } from "@/lib/auth/auth.config";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { checkSession, signInStepUrl } from "@/lib/auth/session";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in · Cash In Payouts" };

const reasons: Record<string, { tone: "info" | "warn"; text: string }> = {
  expired: { tone: "info", text: "Your session has ended. Sign in again to continue where you were." },
  deactivated: { tone: "warn", text: "Your account has been deactivated. Ask an admin if you think this is a mistake." },
  revoked: { tone: "info", text: "Your session was ended by an admin (for example after a password reset). Sign in again." },
  "signed-out": { tone: "info", text: "You are signed out." },
  "signed-out-everywhere": { tone: "info", text: "You are signed out here and on every other device." },
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(typeof params.callbackUrl === "string" ? params.callbackUrl : undefined);
  // A still-valid session has nothing to do here (one half-way through signing in goes on with its step);
  // an ended one (stale cookie) sees the form.
  const check = await checkSession();
  if (check.status === "ok") redirect(callbackUrl);
  if (check.status === "incomplete") redirect(signInStepUrl(check.next, callbackUrl));
  const reason = typeof params.reason === "string" ? reasons[params.reason] : undefined;

  return (
    <SignInCard title="Sign in" intro="Use the e-mail and password your admin gave you.">
      <InsecureAddressNotice secureCookies={authConfig.useSecureCookies} authUrl={env().AUTH_URL} />
      {reason ? (
        <p
          role="status"
          className={
            reason.tone === "warn"
              ? "mb-4 rounded-md bg-warn-soft px-3 py-2 text-sm text-warn"
              : "mb-4 rounded-md bg-info-soft px-3 py-2 text-sm text-info"
          }
        >
          {reason.text}
        </p>
      ) : null}
      <LoginForm callbackUrl={callbackUrl} signIn={signInAction} />
    </SignInCard>
  );
}
