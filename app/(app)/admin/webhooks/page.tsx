import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { getFormat } from "@/components/i18n/get-format";
import { NewWebhookEndpoint, ResendWebhookButton, WebhookEndpointActions } from "@/components/admin/webhook-endpoints";
import { PageHeader } from "@/components/shell/app-shell";
import { Badge } from "@/components/ui/badge";
import { TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { db } from "@/db/client";
import { admins } from "@/lib/auth/action";
import { requireUser } from "@/lib/auth/session";
import { deliveryLog, listEndpoints } from "@/lib/webhooks/endpoints";
import { createWebhookEndpointAction, resendWebhookAction, rotateWebhookSecretAction, setWebhookEndpointActiveAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("webhooks");
  return { title: t("title") };
}
export const dynamic = "force-dynamic";

const stateTone = { pending: "warn", delivered: "ok", failed: "danger" } as const;

/**
 * Webhook endpoints (docs/webhooks.md): register one (its signing secret shown once), disable or enable it, make a new
 * secret, and read each endpoint's delivery log with a Resend button per delivery.
 */
export default async function WebhooksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser(admins);
  const t = await getTranslations("webhooks");
  const format = await getFormat();
  const endpoints = await listEndpoints(db());
  const asked = Number((await searchParams).log);
  const shown = endpoints.find((e) => e.id === asked) ?? endpoints[0];
  const log = shown ? await deliveryLog(db(), shown.id) : [];

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <p className="mb-4 max-w-3xl rounded-lg border border-line bg-surface p-3 text-sm text-ink" data-testid="webhook-repeats">
        {t("repeats")}
      </p>
      <div className="mb-6 max-w-3xl">
        <NewWebhookEndpoint create={createWebhookEndpointAction} count={endpoints.length} />
      </div>

      <section aria-labelledby="endpoints-heading" className="mb-6">
        <h2 id="endpoints-heading" className="mb-2 text-base font-semibold">
          {t("endpoints.heading")}
        </h2>
        {endpoints.length === 0 ? (
          <p className="text-sm text-ink-muted">{t("endpoints.empty")}</p>
        ) : (
          <ul className="flex flex-col gap-3" aria-label={t("endpoints.heading")}>
            {endpoints.map((endpoint) => (
              <li key={endpoint.id} className="flex flex-col gap-3 rounded-lg border border-line bg-surface p-4" data-testid="webhook-endpoint">
                <div className="flex flex-wrap items-center gap-2">
                  <Badge tone={endpoint.active ? "ok" : "neutral"}>{endpoint.active ? t("endpoints.active") : t("endpoints.disabled")}</Badge>
                  <span className="min-w-0 font-mono text-sm break-all text-ink">{endpoint.url}</span>
                </div>
                {endpoint.description ? <p className="text-sm text-ink">{endpoint.description}</p> : null}
                <p className="flex flex-wrap gap-1" aria-label={t("endpoints.eventsLabel")}>
                  {endpoint.events.map((event) => (
                    <Badge key={event} tone="info" className="font-mono">
                      {event}
                    </Badge>
                  ))}
                </p>
                <p className="flex flex-wrap gap-x-3 text-xs text-ink-muted">
                  <span>{t("endpoints.created", { time: format.dateTime(endpoint.createdAt), name: endpoint.createdByName ?? "—" })}</span>
                  {endpoint.disabledAt ? <span>{t("endpoints.disabledAt", { time: format.dateTime(endpoint.disabledAt) })}</span> : null}
                  <span>{t("endpoints.waiting", { pending: endpoint.pending, failed: endpoint.failed })}</span>
                </p>
                <div className="flex flex-wrap items-start gap-2">
                  <Link
                    href={`/admin/webhooks?log=${endpoint.id}#log`}
                    className="inline-flex h-9 items-center rounded-md px-3.5 text-sm font-medium text-brand underline-offset-4 hover:underline"
                    aria-current={shown?.id === endpoint.id ? "true" : undefined}
                  >
                    {t("endpoints.showLog")}
                  </Link>
                  <WebhookEndpointActions endpointId={endpoint.id} url={endpoint.url} active={endpoint.active} setActive={setWebhookEndpointActiveAction} rotate={rotateWebhookSecretAction} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      {shown ? (
        <section id="log" aria-labelledby="log-heading">
          <h2 id="log-heading" className="mb-1 text-base font-semibold">
            {t("log.heading")}
          </h2>
          <p className="mb-2 font-mono text-xs break-all text-ink-muted">{shown.url}</p>
          {log.length === 0 ? (
            <p className="text-sm text-ink-muted">{t("log.empty")}</p>
          ) : (
            // Its own scroll box, focusable, so a keyboard can scroll the wide log on a phone even when it has no button.
            <div role="region" aria-label={t("log.heading")} tabIndex={0} className="overflow-x-auto rounded-lg border border-line bg-surface" data-testid="webhook-log">
              <table className="w-full border-collapse text-sm">
                <THead>
                  <tr>
                    <TH>{t("log.time")}</TH>
                    <TH>{t("log.event")}</TH>
                    <TH>{t("log.state")}</TH>
                    <TH className="text-right">{t("log.attempts")}</TH>
                    <TH>{t("log.lastAnswer")}</TH>
                    <TH>{t("log.excerpt")}</TH>
                    {/* relative: the hidden label stays inside the table's scroll box on a phone */}
                    <TH className="relative">
                      <span className="sr-only">{t("log.actions")}</span>
                    </TH>
                  </tr>
                </THead>
                <TBody>
                  {log.map((delivery) => (
                    <TR key={delivery.id} data-testid="webhook-delivery">
                      <TD className="whitespace-nowrap">{format.dateTime(delivery.createdAt)}</TD>
                      <TD>
                        <span className="block font-mono text-xs">{delivery.eventType}</span>
                        <span className="block font-mono text-xs text-ink-muted">{delivery.eventId}</span>
                      </TD>
                      <TD>
                        <Badge tone={stateTone[delivery.state]}>{t(`log.states.${delivery.state}`)}</Badge>
                        {delivery.state === "pending" && delivery.attempts > 0 ? (
                          <span className="block text-xs text-ink-muted">{t("log.nextAttempt", { time: format.dateTime(delivery.nextAttemptAt) })}</span>
                        ) : null}
                      </TD>
                      <TD className="text-right tabular-nums">{format.number(delivery.attempts)}</TD>
                      <TD className="whitespace-nowrap">
                        {delivery.last ? (
                          <>
                            <span className="block">{delivery.last.status === null ? t("log.noAnswer") : t("log.status", { status: delivery.last.status })}</span>
                            <span className="block text-xs text-ink-muted">{t("log.latency", { ms: delivery.last.latencyMs })}</span>
                            <span className="block text-xs text-ink-muted">{format.dateTime(delivery.last.at, { seconds: true })}</span>
                            {delivery.last.resentByName ? <span className="block text-xs text-ink-muted">{t("log.resentBy", { name: delivery.last.resentByName })}</span> : null}
                          </>
                        ) : (
                          <span className="text-ink-muted">{t("log.notYet")}</span>
                        )}
                      </TD>
                      <TD className="max-w-72">
                        <span className="line-clamp-3 font-mono text-xs break-all">{delivery.last?.excerpt ?? ""}</span>
                      </TD>
                      <TD>{shown.active ? <ResendWebhookButton deliveryId={delivery.id} eventId={delivery.eventId} resend={resendWebhookAction} /> : null}</TD>
                    </TR>
                  ))}
                </TBody>
              </table>
            </div>
          )}
        </section>
      ) : null}
    </>
  );
}
