import { ArrowLeft, Download, History } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { BatchActions } from "@/components/batches/batch-actions";
import { BatchProgress } from "@/components/batches/batch-progress";
import { BatchRows } from "@/components/batches/batch-rows";
import { BatchStatusBadge } from "@/components/batches/batch-status-badge";
import { LiveRefresh } from "@/components/batches/live-refresh";
import { getFormat } from "@/components/i18n/get-format";
import { PageHeader } from "@/components/shell/app-shell";
import { ApprovalHoldNotice } from "@/components/transfers/approval-hold-notice";
import { ApprovalProgressNote } from "@/components/transfers/approval-queue";
import { progressOf } from "@/lib/policies/tiers";
import { Button } from "@/components/ui/button";
import { db } from "@/db/client";
import { batchOverview, batchRowsPage, batchRowsPageSize, batchRowViews, type BatchRowView } from "@/lib/batches/queries";
import { requireUser } from "@/lib/auth/session";
import { routeId } from "@/lib/route-id";
import { cn } from "@/lib/cn";
import { approvalHoldOf } from "@/lib/transfers/approval-hold";
import { needsApproval } from "@/lib/transfers/limits";
import { getLimits } from "@/lib/transfers/settings";
import { storedText } from "@/lib/i18n/stored";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  const t = await getTranslations("batches.detail");
  return { title: t("metaTitle", { id: String(routeId(id) ?? "") }) };
}

export default async function BatchPage({ params, searchParams }: Props) {
  const locale = await getLocale();
  const user = await requireUser();
  const t = await getTranslations("batches");
  const format = await getFormat();
  const id = routeId((await params).id);
  const database = db();
  const overview = id === undefined ? undefined : await batchOverview(database, id);
  if (!overview || id === undefined) notFound();
  const query = await searchParams;
  const view = batchRowViews.find((v) => v === query.view) ?? "all";
  const requestedPage = Number(typeof query.page === "string" ? query.page : 1);
  const page = Number.isSafeInteger(requestedPage) && requestedPage > 0 ? requestedPage : 1;
  const rows = await batchRowsPage(database, id, { view, page });

  const { batch, rows: counts, transfers } = overview;
  const isMaker = batch.makerId === user.id;
  const editable = isMaker && (batch.status === "checking" || batch.status === "ready");
  const submitted = Object.keys(transfers).length > 0;
  const unsettled = (transfers.approved?.count ?? 0) + (transfers.sending?.count ?? 0) + (transfers.processing?.count ?? 0);
  const rechecking = batch.status === "awaiting_approval" && batch.recheckRequestedAt !== null;
  const now = new Date();
  // Scheduled (docs/batches.md#scheduled-batches): its time, whether it has come, and the page redraws from a few minutes before.
  const sendAt = batch.sendAt && (batch.status === "scheduled" || batch.status === "awaiting_approval" || batch.status === "ready") ? batch.sendAt : null;
  const due = batch.status === "scheduled" && sendAt !== null && sendAt.getTime() <= now.getTime();
  const soon = batch.status === "scheduled" && sendAt !== null && sendAt.getTime() - now.getTime() < 5 * 60_000;
  const live = batch.status === "checking" || (batch.status === "sending" && batch.pausedAt === null) || rechecking || unsettled > 0 || soon;
  const limits = await getLimits(database);
  const hold = !isMaker && user.role === "manager" && batch.status === "awaiting_approval" ? await approvalHoldOf(database, user.id, now) : null;
  // Its tier's approvals so far (docs/policies.md#approval-tiers), while it waits.
  const approvals =
    batch.status === "awaiting_approval" ? await progressOf(database, { type: "batch", id: batch.id, round: (batch.submittedAt ?? batch.createdAt).getTime() }, batch.approvalRule) : null;
  const approvedByMe = approvals?.approvers.some((a) => a.id === user.id) ?? false;
  const viewCount: Record<BatchRowView, number> = { all: counts.all, attention: counts.attention, removed: counts.removed };
  const blocking = counts.invalid + counts.unconfirmed;
  const viewHref = (v: BatchRowView, p = 1) => `/batches/${id}?${new URLSearchParams({ ...(v === "all" ? {} : { view: v }), ...(p > 1 ? { page: String(p) } : {}) })}`;

  return (
    <>
      <LiveRefresh active={live} intervalMs={1000} />
      <Link href="/batches" className="mb-2 inline-flex items-center gap-1 text-xs font-medium text-ink-muted hover:text-ink">
        <ArrowLeft aria-hidden className="size-3.5" />
        {t("title")}
      </Link>
      <PageHeader
        title={t("detail.title", { reference: batch.reference })}
        description={t.rich("detail.description", {
          file: (chunks) => <span className="break-all">{chunks}</span>,
          name: overview.makerName,
          when: format.dateTime(batch.createdAt),
          fileName: batch.fileName,
        })}
        actions={
          <>
            {submitted ? (
              <>
                <Button asChild variant="secondary">
                  <Link href={`/transfers?batch=${id}`}>
                    <History aria-hidden />
                    {t("detail.viewInHistory")}
                  </Link>
                </Button>
                <Button asChild variant="secondary">
                  <a href={`/batches/${id}/export`} download>
                    <Download aria-hidden />
                    {t("detail.exportResults")}
                  </a>
                </Button>
                <Button asChild variant="secondary">
                  <a href={`/batches/${id}/export?format=xlsx`} download aria-label={t("detail.exportExcelLabel")}>
                    <Download aria-hidden />
                    {t("detail.exportExcel")}
                  </a>
                </Button>
              </>
            ) : null}
            <BatchActions
              batch={{ id, reference: batch.reference, status: batch.status }}
              rows={counts.all}
              total={overview.total}
              blocking={blocking}
              duplicates={counts.duplicates}
              needsApproval={needsApproval(limits, overview.total)}
              canSubmit={isMaker && (batch.status === "ready" || batch.status === "checking")}
              canCancel={isMaker && (["checking", "ready", "awaiting_approval"].includes(batch.status) || (batch.status === "scheduled" && !due))}
              canDecide={!isMaker && user.role === "manager" && batch.status === "awaiting_approval" && !rechecking}
              approvedByMe={approvedByMe}
              lastApproval={approvals === null || approvals.given + 1 >= approvals.needed}
              canResume={batch.status === "sending" && batch.pausedAt !== null && (user.id === (batch.approverId ?? batch.makerId) || (user.role === "manager" && !isMaker))}
            />
          </>
        }
      />
      {hold ? <ApprovalHoldNotice hold={hold} now={now} /> : null}
      <section aria-label={t("detail.status")} className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-line bg-surface px-4 py-3 text-sm">
        <BatchStatusBadge status={batch.status} blocking={blocking} rows={counts.all} className="text-sm" />
        <p className="min-w-0" data-testid="batch-sentence">
          {batch.status === "scheduled" && sendAt
            ? t(due ? "schedule.due" : isMaker ? "schedule.scheduledMaker" : "schedule.scheduled", { when: format.dateTime(sendAt) })
            : t(`sentence.${statusSentence(overview, isMaker, user.role === "manager")}`, { approver: overview.approverName ?? "" })}
        </p>
        {batch.status === "awaiting_approval" && sendAt ? <p className="w-full">{t("schedule.afterApproval", { when: format.dateTime(sendAt) })}</p> : null}
        {approvals ? (
          <div className="w-full empty:hidden">
            <ApprovalProgressNote progress={approvals} />
          </div>
        ) : null}
        {batch.reason ? <p className="w-full break-words text-ink-muted">{t("detail.reason", { reason: storedText(batch.reason, locale) })}</p> : null}
      </section>
      <div className="mb-4 grid grid-cols-2 gap-3 sm:grid-cols-3 sm:gap-4">
        <Total label={t("detail.totalRows")} value={format.number(counts.all)} testId="total-rows" />
        <Total label={t("detail.totalAmount")} value={format.rupiah(overview.total)} testId="total-amount" className="order-last col-span-2 sm:order-none sm:col-span-1" />
        <Total
          label={t("detail.totalAttention")}
          value={format.number(counts.attention)}
          testId="total-attention"
          tone={counts.attention > 0 ? "danger" : undefined}
        />
      </div>
      <BatchProgress overview={overview} />
      <nav aria-label={t("detail.rowsShown")} className="mt-6 mb-2 flex flex-wrap items-center gap-1 text-sm">
        {batchRowViews.map((v) => (
          <Link
            key={v}
            href={viewHref(v)}
            aria-current={v === view ? "page" : undefined}
            className={cn("rounded-md px-2.5 py-1", v === view ? "bg-brand-soft font-medium text-brand-strong" : "text-ink-muted hover:text-ink")}
          >
            {t(`detail.view.${v}`, { count: format.number(viewCount[v]) })}
          </Link>
        ))}
      </nav>
      {rows.rows.length > 0 ? (
        <BatchRows batchId={id} rows={rows.rows} editable={editable} duplicatesAccepted={batch.duplicatesAccepted} />
      ) : (
        <div className="rounded-lg border border-dashed border-line-strong bg-surface p-6 text-center text-sm text-ink-muted">
          {view === "attention" ? t("detail.noAttention") : t("detail.noRows")}
        </div>
      )}
      {rows.pages > 1 ? (
        <nav aria-label={t("detail.pages")} className="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm">
          <span className="text-ink-muted">
            {t("detail.range", {
              from: format.number((page - 1) * batchRowsPageSize + 1),
              to: format.number((page - 1) * batchRowsPageSize + rows.rows.length),
              total: format.number(rows.total),
            })}
          </span>
          <span className="flex gap-2">
            {page > 1 ? (
              <Button asChild variant="secondary" size="sm">
                <Link href={viewHref(view, page - 1)}>{t("detail.previous")}</Link>
              </Button>
            ) : null}
            {page < rows.pages ? (
              <Button asChild variant="secondary" size="sm">
                <Link href={viewHref(view, page + 1)}>{t("detail.next")}</Link>
              </Button>
            ) : null}
          </span>
        </nav>
      ) : null}
    </>
  );
}

type SentenceKey =
  | "checking"
  | "readyBlocked"
  | "readyEmpty"
  | "readyMaker"
  | "readyOther"
  | "rechecking"
  | "awaitingMaker"
  | "awaitingManager"
  | "awaitingOther"
  | "paused"
  | "sending"
  | "sendingBy"
  | "sent"
  | "sentBy"
  | "rejected"
  | "rejectedBy"
  | "canceled"
  | "expired";

/** Which sentence (batches.sentence.*) says where the batch stands and what the reader can do; `{approver}` is the approver's name. */
function statusSentence(overview: NonNullable<Awaited<ReturnType<typeof batchOverview>>>, isMaker: boolean, isManager: boolean): SentenceKey {
  const { batch, rows, approverName } = overview;
  switch (batch.status) {
    case "checking":
      return "checking";
    case "ready":
      if (rows.invalid + rows.unconfirmed > 0) return "readyBlocked";
      if (rows.all === 0) return "readyEmpty";
      return isMaker ? "readyMaker" : "readyOther";
    case "awaiting_approval":
      if (batch.recheckRequestedAt !== null) return "rechecking";
      return isMaker ? "awaitingMaker" : isManager ? "awaitingManager" : "awaitingOther";
    case "scheduled":
      // Worded by the page with its time (batches.schedule.*); this is only the fallback.
      return approverName ? "sendingBy" : "sending";
    case "sending":
      if (batch.pausedAt !== null) return "paused";
      return approverName ? "sendingBy" : "sending";
    case "sent":
      return approverName ? "sentBy" : "sent";
    case "rejected":
      return approverName ? "rejectedBy" : "rejected";
    case "canceled":
      return "canceled";
    case "expired":
      return "expired";
  }
}

function Total({ label, value, testId, tone, className }: { label: string; value: string; testId: string; tone?: "danger"; className?: string }) {
  return (
    <div className={cn("min-w-0 rounded-lg border border-line bg-surface px-4 py-3", className)}>
      <p className="text-xs text-ink-muted">{label}</p>
      <p className={cn("text-lg font-semibold tabular-nums", tone === "danger" && "text-danger")} data-testid={testId}>
        {value}
      </p>
    </div>
  );
}
