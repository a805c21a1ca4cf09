import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { PasswordForm } from "@/components/auth/password-form";
import { SignInCard } from "@/components/auth/sign-in-card";
import { SignOutLink } from "@/components/auth/sign-out-link";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { requireSignInStep } from "@/lib/auth/session";
import { getFormat } from "@/components/i18n/get-format";
import { changePasswordAction, chooseSignInLanguageAction, signOutAction } from "../actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("login");
  return { title: t("passwordMetaTitle") };
}

export default async function ChoosePasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(typeof params.callbackUrl === "string" ? params.callbackUrl : undefined);
  const { user } = await requireSignInStep("password", callbackUrl);
  const t = await getTranslations("login");
  const format = await getFormat();
  return (
    <SignInCard
      title={t("passwordTitle")}
      intro={
        user.temporaryPasswordExpiresAt
          ? t("passwordIntroUntil", { until: format.dateTime(user.temporaryPasswordExpiresAt) })
          : t("passwordIntro")
      }
      chooseLanguage={chooseSignInLanguageAction}
    >
      <PasswordForm change={changePasswordAction} then={callbackUrl} currentLabel={t("temporaryPassword")} />
      <SignOutLink signOut={signOutAction} />
    </SignInCard>
  );
}
