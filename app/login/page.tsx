import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { signInAction } from "./actions";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { checkSession } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in · Cash In Payouts" };

const reasons: Record<string, { tone: "info" | "warn"; text: string }> = {
  expired: { tone: "info", text: "Your session has ended. Sign in again to continue where you were." },
  deactivated: { tone: "warn", text: "Your account has been deactivated. Ask an admin if you think this is a mistake." },
  revoked: { tone: "info", text: "Your session was ended by an admin (for example after a password reset). Sign in again." },
  "signed-out": { tone: "info", text: "You are signed out." },
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(typeof params.callbackUrl === "string" ? params.callbackUrl : undefined);
  // A still-valid session has nothing to do here; an ended one (stale cookie) sees the form.
  if ((await checkSession()).status === "ok") redirect(callbackUrl);
  const reason = typeof params.reason === "string" ? reasons[params.reason] : undefined;

  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center gap-2">
          <span aria-hidden className="flex size-8 items-center justify-center rounded-md bg-brand text-sm font-bold text-white">
            CI
          </span>
          <div>
            <p className="text-base font-semibold leading-tight">Cash In Payouts</p>
            <p className="text-xs text-ink-muted">E-wallet transfers back-office</p>
          </div>
        </div>
        <div className="rounded-lg border border-line bg-surface p-6 shadow-sm">
          <h1 className="mb-1 text-lg font-semibold">Sign in</h1>
          <p className="mb-5 text-sm text-ink-muted">Use the e-mail and password your admin gave you.</p>
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
        </div>
      </div>
    </main>
  );
}
