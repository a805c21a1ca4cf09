import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { getFormat } from "@/components/i18n/get-format";
import { PageHeader } from "@/components/shell/app-shell";
import { Badge } from "@/components/ui/badge";
import { db } from "@/db/client";
import { admins } from "@/lib/auth/action";
import { requireUser } from "@/lib/auth/session";
import { latestMails, mailsShown, unsentNotices } from "@/lib/notifications/admin";
import { mailSetup } from "@/lib/notifications/from-env";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("mailOutbox");
  return { title: t("title") };
}
export const dynamic = "force-dynamic";

/**
 * Every notification mail the app composed (docs/notifications.md#the-mail-page): sent, or kept here when no
 * SMTP server is configured, each readable as its reader got it; and the notices not sent yet or given up.
 */
export default async function MailPage() {
  await requireUser(admins);
  const t = await getTranslations("mailOutbox");
  const kinds = await getTranslations("notifications.kinds");
  const format = await getFormat();
  const setup = mailSetup();
  const sent = await latestMails(db());
  const unsent = await unsentNotices(db());
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <p className="mb-4 rounded-lg border border-line bg-surface p-3 text-sm" data-testid="mail-setup">
        {setup.sending ? t("sending", { server: setup.server, from: setup.from }) : t("held")}
      </p>

      <section aria-labelledby="queue-heading" className="mb-6">
        <h2 id="queue-heading" className="mb-2 text-base font-semibold">
          {t("queueHeading")}
        </h2>
        {unsent.length === 0 ? (
          <p className="text-sm text-ink-muted">{t("queueEmpty")}</p>
        ) : (
          <ul aria-label={t("queueLabel")} className="flex flex-col gap-2">
            {unsent.map((notice) => (
              <li key={notice.id} className="rounded-lg border border-line bg-surface p-3 text-sm" data-testid="unsent-notice">
                <div className="flex flex-wrap items-center gap-2">
                  <Badge tone={notice.state === "failed" ? "danger" : "warn"}>{t(`state.${notice.state === "sending" ? "sending" : notice.state === "failed" ? "failed" : "pending"}`)}</Badge>
                  <span className="font-medium break-all">{notice.email}</span>
                  <span className="text-ink-muted">{kinds(`${notice.kind}.label`)}</span>
                </div>
                <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 text-ink-muted">
                  <dt>{t("columns.event")}</dt>
                  <dd className="break-all">{notice.event}</dd>
                  <dt>{t("columns.attempts")}</dt>
                  <dd>{format.number(notice.attempts)}</dd>
                  {notice.state === "pending" ? (
                    <>
                      <dt>{t("columns.nextAttempt")}</dt>
                      <dd>{format.dateTime(notice.nextAttemptAt)}</dd>
                    </>
                  ) : null}
                  {notice.lastError ? (
                    <>
                      <dt>{t("columns.lastError")}</dt>
                      <dd className="break-words">{notice.lastError}</dd>
                    </>
                  ) : null}
                </dl>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="mails-heading">
        <h2 id="mails-heading" className="mb-2 text-base font-semibold">
          {t("mailsHeading")}
        </h2>
        {sent.length === 0 ? (
          <p className="text-sm text-ink-muted">{t("empty")}</p>
        ) : (
          <>
            <ul aria-label={t("mailsLabel")} className="flex flex-col gap-2">
              {sent.map((mail) => (
                <li key={mail.id} className="rounded-lg border border-line bg-surface p-3 text-sm" data-testid="mail">
                  <p className="font-medium break-words" data-testid="mail-subject">
                    {mail.subject}
                  </p>
                  <p className="mt-0.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-ink-muted">
                    <span className="break-all" data-testid="mail-to">
                      {mail.toAddress}
                    </span>
                    <span aria-hidden>·</span>
                    <span>{format.dateTime(mail.createdAt)}</span>
                    <span aria-hidden>·</span>
                    <span>{kinds(`${mail.kind}.label`)}</span>
                    <Badge tone={mail.state === "sent" ? "ok" : "neutral"}>{t(`state.${mail.state}`)}</Badge>
                  </p>
                  <details className="mt-2">
                    <summary className="inline-flex min-h-6 cursor-pointer items-center font-medium text-brand">{t("show")}</summary>
                    <pre className="mt-2 overflow-x-auto rounded-md bg-canvas p-3 font-sans text-sm break-words whitespace-pre-wrap" data-testid="mail-text">
                      {mail.text}
                    </pre>
                  </details>
                </li>
              ))}
            </ul>
            {sent.length === mailsShown ? <p className="mt-3 text-sm text-ink-muted">{t("showing", { count: mailsShown })}</p> : null}
          </>
        )}
      </section>
    </>
  );
}
