import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { AccountSecondFactor } from "@/components/auth/account-second-factor";
import { PasswordForm } from "@/components/auth/password-form";
import { getFormat } from "@/components/i18n/get-format";
import { LanguagePicker } from "@/components/i18n/language-picker";
import { PageHeader } from "@/components/shell/app-shell";
import { buttonVariants } from "@/components/ui/button";
import { db } from "@/db/client";
import { secondFactorStatus } from "@/lib/auth/second-factor";
import { requireSession } from "@/lib/auth/session";
import { changePasswordAction } from "../../login/actions";
import { MailPreferences } from "@/components/notifications/mail-preferences";
import { mailSetup } from "@/lib/notifications/from-env";
import { mailKindsFor } from "@/lib/users/mail-preferences";
import { MyApiKeys } from "@/components/account/my-api-keys";
import { waitingApiKeysFor } from "@/lib/api/key-admin";
import { issueApiKeyAction, regenerateRecoveryCodesAction, saveLanguageAction, saveMailPreferencesAction, signOutEverywhereAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("account");
  return { title: t("title") };
}

export default async function AccountPage() {
  const { user, session } = await requireSession();
  const factor = await secondFactorStatus(db(), user.id);
  const t = await getTranslations("account");
  const language = await getTranslations("language");
  const notifications = await getTranslations("notifications");
  const format = await getFormat();
  // Approve keys an admin made for this person, waiting for them to show them (docs/api.md#keys).
  const waitingKeys = (await waitingApiKeysFor(db(), user.id, new Date())).map((key) => ({
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    allowedIps: key.allowedIps,
    createdBy: key.createdByName,
    createdAt: format.dateTime(key.createdAt),
    // The key works until the end of its last day: shown as that day.
    expiresOn: key.expiresAt ? format.date(new Date(key.expiresAt.getTime() - 1)) : null,
  }));
  return (
    <div className="max-w-2xl">
      <PageHeader title={t("title")} description={
          <span className="break-all">
            {user.name} · {user.email}
          </span>
        } />
      <div className="flex flex-col gap-6">
        {/* Always in the tree (it renders nothing without keys): a key just shown stays on screen when the page is read again. */}
        <MyApiKeys keys={waitingKeys} issue={issueApiKeyAction} />
        <section aria-labelledby="second-factor" className="rounded-lg border border-line bg-surface p-4 sm:p-5">
          <h2 id="second-factor" className="text-base font-semibold">
            {t("secondFactorTitle")}
          </h2>
          {factor.enrolled ? (
            <>
              <p className="mt-1 text-sm text-ink-muted" data-testid="second-factor-status">
                {t("secondFactorOn", { since: factor.enrolledAt ? format.dateTime(factor.enrolledAt) : "—", left: factor.recoveryCodesLeft })}
                {factor.lockedUntil ? ` ${t("secondFactorLocked", { until: format.dateTime(factor.lockedUntil) })}` : ""}
              </p>
              <AccountSecondFactor regenerate={regenerateRecoveryCodesAction} />
            </>
          ) : (
            <>
              <p className="mt-1 text-sm text-ink-muted" data-testid="second-factor-status">
                {t("secondFactorOff")}
              </p>
              <Link href="/login/enrol?callbackUrl=%2Faccount" className={buttonVariants({ className: "mt-3", size: "sm" })}>
                {t("turnOn")}
              </Link>
            </>
          )}
        </section>
        <section aria-labelledby="password" className="rounded-lg border border-line bg-surface p-4 sm:p-5">
          <h2 id="password" className="mb-3 text-base font-semibold">
            {t("changePassword")}
          </h2>
          <PasswordForm change={changePasswordAction} />
        </section>
        <section aria-labelledby="language" className="rounded-lg border border-line bg-surface p-4 sm:p-5">
          <h2 id="language" className="text-base font-semibold">
            {language("label")}
          </h2>
          <p className="mt-1 mb-3 text-sm text-ink-muted">{language("accountHint")}</p>
          <LanguagePicker save={saveLanguageAction} />
        </section>
        <section id="mail" aria-labelledby="mail-title" className="scroll-mt-16 rounded-lg border border-line bg-surface p-4 sm:p-5">
          <h2 id="mail-title" className="text-base font-semibold">
            {notifications("title")}
          </h2>
          <p className="mt-1 text-sm break-words text-ink-muted">{notifications("description", { email: user.email })}</p>
          {mailSetup().sending ? null : <p className="mt-1 text-sm text-ink-muted">{notifications("notSent")}</p>}
          <div className="mt-3">
            <MailPreferences kinds={mailKindsFor(user.role)} off={user.mailOff} save={saveMailPreferencesAction} />
          </div>
        </section>
        <section aria-labelledby="sessions" className="rounded-lg border border-line bg-surface p-4 sm:p-5">
          <h2 id="sessions" className="text-base font-semibold">
            {t("sessionsTitle")}
          </h2>
          <p className="mt-1 text-sm text-ink-muted">{t("sessionsBody", { since: format.dateTime(session.createdAt) })}</p>
          <form action={signOutEverywhereAction} className="mt-3">
            <button type="submit" className={buttonVariants({ variant: "secondary", size: "sm" })}>
              {t("signOutEverywhere")}
            </button>
          </form>
        </section>
      </div>
    </div>
  );
}
