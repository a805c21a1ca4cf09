import type { Metadata } from "next";
import { CodeForm } from "@/components/auth/code-form";
import { SignInCard } from "@/components/auth/sign-in-card";
import { SignOutLink } from "@/components/auth/sign-out-link";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { requireSignInStep } from "@/lib/auth/session";
import { proveSignInCodeAction, signOutAction } from "../actions";

export const metadata: Metadata = { title: "Two-step sign-in · Cash In Payouts" };

export default async function CodePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(typeof params.callbackUrl === "string" ? params.callbackUrl : undefined);
  const { user } = await requireSignInStep("code", callbackUrl);
  return (
    <SignInCard title="Two-step sign-in" intro={<>Your password is right, {user.name}. Now enter the code from your authenticator app.</>}>
      <CodeForm callbackUrl={callbackUrl} prove={proveSignInCodeAction} />
      <SignOutLink signOut={signOutAction} />
    </SignInCard>
  );
}
