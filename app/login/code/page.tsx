import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CodeForm } from "@/components/auth/code-form";
import { SignInCard } from "@/components/auth/sign-in-card";
import { SignOutLink } from "@/components/auth/sign-out-link";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { requireSignInStep } from "@/lib/auth/session";
import { chooseSignInLanguageAction, proveSignInCodeAction, signOutAction } from "../actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("login");
  return { title: t("codeTitle") };
}

export default async function CodePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(typeof params.callbackUrl === "string" ? params.callbackUrl : undefined);
  const { user } = await requireSignInStep("code", callbackUrl);
  const t = await getTranslations("login");
  return (
    <SignInCard title={t("codeTitle")} intro={t("codeIntro", { name: user.name })} chooseLanguage={chooseSignInLanguageAction}>
      <CodeForm callbackUrl={callbackUrl} prove={proveSignInCodeAction} />
      <SignOutLink signOut={signOutAction} />
    </SignInCard>
  );
}
