import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { InsecureAddressNotice } from "@/components/auth/insecure-address-notice";
import { LoginForm } from "@/components/auth/login-form";
import { SignInCard } from "@/components/auth/sign-in-card";
import { chooseSignInLanguageAction, signInAction } from "./actions";
import { authConfig } from "@/lib/auth/auth.config";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { checkSession, signInStepUrl } from "@/lib/auth/session";
import { env } from "@/lib/env";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("login");
  return { title: t("signInTitle") };
}

/** Why the person is here (`?reason=`), and how it looks. */
const reasons = {
  expired: { tone: "info", key: "reasonExpired" },
  deactivated: { tone: "warn", key: "reasonDeactivated" },
  revoked: { tone: "info", key: "reasonRevoked" },
  "signed-out": { tone: "info", key: "reasonSignedOut" },
  "signed-out-everywhere": { tone: "info", key: "reasonSignedOutEverywhere" },
} as const;

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(typeof params.callbackUrl === "string" ? params.callbackUrl : undefined);
  // A still-valid session has nothing to do here (one half-way through signing in goes on with its step);
  // an ended one (stale cookie) sees the form.
  const check = await checkSession();
  if (check.status === "ok") redirect(callbackUrl);
  if (check.status === "incomplete") redirect(signInStepUrl(check.next, callbackUrl));
  const reason = typeof params.reason === "string" && Object.hasOwn(reasons, params.reason) ? reasons[params.reason as keyof typeof reasons] : undefined;
  const t = await getTranslations("login");

  return (
    <SignInCard title={t("signInTitle")} intro={t("signInIntro")} chooseLanguage={chooseSignInLanguageAction}>
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
          {t(reason.key)}
        </p>
      ) : null}
      <LoginForm callbackUrl={callbackUrl} signIn={signInAction} />
    </SignInCard>
  );
}
