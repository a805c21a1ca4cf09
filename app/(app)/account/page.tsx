import type { Metadata } from "next";
import Link from "next/link";
import { AccountSecondFactor } from "@/components/auth/account-second-factor";
import { PasswordForm } from "@/components/auth/password-form";
import { PageHeader } from "@/components/shell/app-shell";
import { buttonVariants } from "@/components/ui/button";
import { db } from "@/db/client";
import { secondFactorStatus } from "@/lib/auth/second-factor";
import { requireSession } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format";
import { changePasswordAction } from "../../login/actions";
import { regenerateRecoveryCodesAction, signOutEverywhereAction } from "./actions";

export const metadata: Metadata = { title: "My account · Cash In Payouts" };

export default async function AccountPage() {
  const { user, session } = await requireSession();
  const factor = secondFactorStatus(db(), user.id);
  return (
    <div className="max-w-2xl">
      <PageHeader title="My account" description={`${user.name} · ${user.email}`} />
      <div className="flex flex-col gap-6">
        <section aria-labelledby="second-factor" className="rounded-lg border border-line bg-surface p-5">
          <h2 id="second-factor" className="text-base font-semibold">
            Two-step sign-in
          </h2>
          {factor.enrolled ? (
            <>
              <p className="mt-1 text-sm text-ink-muted" data-testid="second-factor-status">
                On since {factor.enrolledAt ? formatDateTime(factor.enrolledAt) : "—"}. {factor.recoveryCodesLeft} of 10 recovery codes
                left.
                {factor.lockedUntil ? ` Locked after wrong codes until ${formatDateTime(factor.lockedUntil)}.` : ""}
              </p>
              <AccountSecondFactor regenerate={regenerateRecoveryCodesAction} />
            </>
          ) : (
            <>
              <p className="mt-1 text-sm text-ink-muted" data-testid="second-factor-status">
                Off. With it on, a stolen password alone cannot get into your account.
              </p>
              <Link href="/login/enrol?callbackUrl=%2Faccount" className={buttonVariants({ className: "mt-3", size: "sm" })}>
                Turn on two-step sign-in
              </Link>
            </>
          )}
        </section>
        <section aria-labelledby="password" className="rounded-lg border border-line bg-surface p-5">
          <h2 id="password" className="mb-3 text-base font-semibold">
            Change password
          </h2>
          <PasswordForm change={changePasswordAction} />
        </section>
        <section aria-labelledby="sessions" className="rounded-lg border border-line bg-surface p-5">
          <h2 id="sessions" className="text-base font-semibold">
            Sessions
          </h2>
          <p className="mt-1 text-sm text-ink-muted">
            Signed in here since {formatDateTime(session.createdAt)}. A session ends after 8 hours, or after 30 minutes without use.
          </p>
          <form action={signOutEverywhereAction} className="mt-3">
            <button type="submit" className={buttonVariants({ variant: "secondary", size: "sm" })}>
              Sign out everywhere
            </button>
          </form>
        </section>
      </div>
    </div>
  );
}
