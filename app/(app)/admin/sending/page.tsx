import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { getFormat } from "@/components/i18n/get-format";
import { DepositAlertsForm } from "@/components/sending/deposit-alerts-form";
import { ResumeSendingButton } from "@/components/sending/resume-sending";
import { PageHeader } from "@/components/shell/app-shell";
import { Badge } from "@/components/ui/badge";
import { db } from "@/db/client";
import { admins } from "@/lib/auth/action";
import { requireUser } from "@/lib/auth/session";
import { depositAlertsOn, openPause, recentPauses } from "@/lib/sending/pause";
import { resumeSendingAction, setDepositAlertsAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("sending");
  return { title: t("title") };
}
export const dynamic = "force-dynamic";

/**
 * Sending (docs/deposit-alerts.md): whether top-ups go out now or are paused by Cash In's "deposit too low", the Resume
 * button, the deposit alerts switch, and the recent pauses with who resumed them.
 */
export default async function SendingPage() {
  await requireUser(admins);
  const t = await getTranslations("sending");
  const common = await getTranslations("common");
  const format = await getFormat();
  const database = db();
  const pause = await openPause(database);
  const alertsOn = await depositAlertsOn(database);
  const recent = await recentPauses(database);
  const transferLink = (id: number | null, reference: string | null) =>
    id !== null && reference ? (
      <Link href={`/transfers/${id}`} className="font-mono text-xs break-all text-brand hover:underline">
        {reference}
      </Link>
    ) : null;

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />

      <section aria-labelledby="state-heading" className="mb-6 rounded-lg border border-line bg-surface p-4 sm:p-5">
        <h2 id="state-heading" className="mb-2 text-base font-semibold">
          {t("state.heading")}
        </h2>
        {pause ? (
          <div className="flex flex-col gap-3" data-testid="sending-state">
            <p className="text-sm font-medium break-words text-danger">
              {pause.reference ? t("state.paused", { at: format.dateTime(pause.startedAt), reference: pause.reference }) : t("state.pausedNoTransfer", { at: format.dateTime(pause.startedAt) })}
            </p>
            <p className="text-sm break-words text-ink-muted">
              {t("state.code", { code: pause.code })} {transferLink(pause.transferId, pause.reference)}
            </p>
            <div>
              <ResumeSendingButton pauseId={pause.id} resume={resumeSendingAction} />
            </div>
          </div>
        ) : (
          <p className="text-sm font-medium text-ok" data-testid="sending-state">
            {t("state.active")}
          </p>
        )}
      </section>

      <section aria-labelledby="policy-heading" className="mb-6 rounded-lg border border-line bg-surface p-4 sm:p-5">
        <h2 id="policy-heading" className="mb-2 text-base font-semibold">
          {t("policy.heading")}
        </h2>
        {pause ? <p className="mb-2 text-sm text-ink-muted">{t("policy.whilePaused")}</p> : null}
        <DepositAlertsForm on={alertsOn} save={setDepositAlertsAction} />
      </section>

      <section aria-labelledby="recent-heading">
        <h2 id="recent-heading" className="mb-2 text-base font-semibold">
          {t("recent.heading")}
        </h2>
        {recent.length === 0 ? (
          <p className="text-sm text-ink-muted">{t("recent.none")}</p>
        ) : (
          <ul aria-labelledby="recent-heading" className="flex flex-col gap-2">
            {recent.map((p) => (
              <li key={p.id} className="rounded-lg border border-line bg-surface p-3 text-sm" data-testid="recent-pause">
                <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
                  <dt className="text-ink-muted">{t("recent.started")}</dt>
                  <dd>{format.dateTime(p.startedAt)}</dd>
                  <dt className="text-ink-muted">{t("recent.transfer")}</dt>
                  <dd className="min-w-0">{transferLink(p.transferId, p.reference) ?? common("none")}</dd>
                  <dt className="text-ink-muted">{t("recent.code")}</dt>
                  <dd className="font-mono text-xs">{p.code}</dd>
                  <dt className="text-ink-muted">{t("recent.resumed")}</dt>
                  <dd className="min-w-0 break-words">
                    {p.resumedAt ? (
                      p.resumedByName ? (
                        t("recent.resumedBy", { at: format.dateTime(p.resumedAt), name: p.resumedByName })
                      ) : (
                        format.dateTime(p.resumedAt)
                      )
                    ) : (
                      <Badge tone="danger">{t("recent.open")}</Badge>
                    )}
                  </dd>
                </dl>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
