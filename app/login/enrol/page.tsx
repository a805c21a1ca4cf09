import type { Metadata } from "next";
import { redirect } from "next/navigation";
import QRCode from "qrcode";
import { EnrolForm } from "@/components/auth/enrol-form";
import { SignInCard } from "@/components/auth/sign-in-card";
import { SignOutLink } from "@/components/auth/sign-out-link";
import { db } from "@/db/client";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { pendingEnrolment } from "@/lib/auth/second-factor";
import { requireSignInStep } from "@/lib/auth/session";
import { confirmEnrolmentAction, signOutAction } from "../actions";

export const metadata: Metadata = { title: "Turn on two-step sign-in · Cash In Payouts" };

/**
 * Enrolment: required before any page for managers and admins (and for everyone when an admin says so);
 * staff may come here from My account.
 */
export default async function EnrolPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(typeof params.callbackUrl === "string" ? params.callbackUrl : undefined);
  const { user } = await requireSignInStep("enrol", callbackUrl, { allowComplete: true });
  const enrolment = pendingEnrolment(db(), user);
  if (!enrolment.ok) redirect("/account");
  const { secret, uri } = enrolment.data;
  const qrSvg = await QRCode.toString(uri, { type: "svg", margin: 0, errorCorrectionLevel: "M" });
  const required = user.role !== "staff";
  return (
    <SignInCard
      wide
      title="Turn on two-step sign-in"
      intro={
        required
          ? "People who approve or administer payouts prove who they are with a code from their phone as well as their password. Set it up once now; it takes a minute."
          : "With two-step sign-in, a stolen password alone cannot get into your account."
      }
    >
      <EnrolForm qrSvg={qrSvg} secret={secret} confirm={confirmEnrolmentAction} continueTo={callbackUrl} />
      <SignOutLink signOut={signOutAction} />
    </SignInCard>
  );
}
