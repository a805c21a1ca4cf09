import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import QRCode from "qrcode";
import { EnrolForm } from "@/components/auth/enrol-form";
import { SignInCard } from "@/components/auth/sign-in-card";
import { SignOutLink } from "@/components/auth/sign-out-link";
import { db } from "@/db/client";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { pendingEnrolment } from "@/lib/auth/second-factor";
import { requireSignInStep } from "@/lib/auth/session";
import { chooseSignInLanguageAction, confirmEnrolmentAction, signOutAction } from "../actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("login");
  return { title: t("enrolTitle") };
}

/**
 * Enrolment: required before any page for managers and admins (and for everyone when an admin says so);
 * staff may come here from My account.
 */
export default async function EnrolPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(typeof params.callbackUrl === "string" ? params.callbackUrl : undefined);
  const { user } = await requireSignInStep("enrol", callbackUrl, { allowComplete: true });
  const enrolment = await pendingEnrolment(db(), user);
  if (!enrolment.ok) redirect("/account");
  const { secret, uri } = enrolment.data;
  const qrSvg = await QRCode.toString(uri, { type: "svg", margin: 0, errorCorrectionLevel: "M" });
  const required = user.role !== "staff";
  const t = await getTranslations("login");
  return (
    <SignInCard wide title={t("enrolTitle")} intro={required ? t("enrolIntroRequired") : t("enrolIntroOptional")} chooseLanguage={chooseSignInLanguageAction}>
      <EnrolForm qrSvg={qrSvg} secret={secret} confirm={confirmEnrolmentAction} continueTo={callbackUrl} />
      <SignOutLink signOut={signOutAction} />
    </SignInCard>
  );
}
