import type { Metadata } from "next";
import { PasswordForm } from "@/components/auth/password-form";
import { SignInCard } from "@/components/auth/sign-in-card";
import { SignOutLink } from "@/components/auth/sign-out-link";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { requireSignInStep } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format";
import { changePasswordAction, signOutAction } from "../actions";

export const metadata: Metadata = { title: "Choose your password · Cash In Payouts" };

export default async function ChoosePasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(typeof params.callbackUrl === "string" ? params.callbackUrl : undefined);
  const { user } = await requireSignInStep("password", callbackUrl);
  return (
    <SignInCard
      title="Choose your own password"
      intro={
        <>
          You signed in with a temporary password from an admin. Choose your own now; the temporary one stops working
          {user.temporaryPasswordExpiresAt ? ` at ${formatDateTime(user.temporaryPasswordExpiresAt)} at the latest` : ""}.
        </>
      }
    >
      <PasswordForm change={changePasswordAction} then={callbackUrl} currentLabel="Temporary password" />
      <SignOutLink signOut={signOutAction} />
    </SignInCard>
  );
}
