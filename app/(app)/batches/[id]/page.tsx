import { ArrowLeft, Download, History } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { BatchActions } from "@/components/batches/batch-actions";
import { BatchProgress } from "@/components/batches/batch-progress";
import { BatchRows } from "@/components/batches/batch-rows";
import { BatchStatusBadge } from "@/components/batches/batch-status-badge";
import { LiveRefresh } from "@/components/batches/live-refresh";
import { PageHeader } from "@/components/shell/app-shell";
import { ApprovalHoldNotice } from "@/components/transfers/approval-hold-notice";
import { Button } from "@/components/ui/button";
import { db } from "@/db/client";
import { batchOverview, batchRowsPage, batchRowsPageSize, batchRowViews, type BatchRowView } from "@/lib/batches/queries";
import { requireUser } from "@/lib/auth/session";
import { routeId } from "@/lib/route-id";
import { cn } from "@/lib/cn";
import { formatDateTime, formatNumber, formatRupiah } from "@/lib/format";
import { approvalHoldMessage, approvalHoldOf } from "@/lib/transfers/approval-hold";
import { needsApproval } from "@/lib/transfers/limits";
import { getLimits } from "@/lib/transfers/settings";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  return { title: `Batch ${routeId(id) ?? ""} · Cash In Payouts` };
}

const viewLabels: Record<BatchRowView, string> = { all: "All rows", attention: "Needing attention", removed: "Removed" };

export default async function BatchPage({ params, searchParams }: Props) {
  const user = await requireUser();
  const id = routeId((await params).id);
  const database = db();
  const overview = id === undefined ? undefined : batchOverview(database, id);
  if (!overview || id === undefined) notFound();
  const query = await searchParams;
  const view = batchRowViews.find((v) => v === query.view) ?? "all";
  const requestedPage = Number(typeof query.page === "string" ? query.page : 1);
  const page = Number.isSafeInteger(requestedPage) && requestedPage > 0 ? requestedPage : 1;
  const rows = batchRowsPage(database, id, { view, page });

  const { batch, rows: counts, transfers } = overview;
  const isMaker = batch.makerId === user.id;
  const editable = isMaker && (batch.status === "checking" || batch.status === "ready");
  const submitted = Object.keys(transfers).length > 0;
  const unsettled = (transfers.approved?.count ?? 0) + (transfers.sending?.count ?? 0) + (transfers.processing?.count ?? 0);
  const rechecking = batch.status === "awaiting_approval" && batch.recheckRequestedAt !== null;
  const live = batch.status === "checking" || (batch.status === "sending" && batch.pausedAt === null) || rechecking || unsettled > 0;
  const limits = getLimits(database);
  const now = new Date();
  const hold = !isMaker && user.role === "manager" && batch.status === "awaiting_approval" ? approvalHoldOf(database, user.id, now) : null;
  const viewHref = (v: BatchRowView, p = 1) => `/batches/${id}?${new URLSearchParams({ ...(v === "all" ? {} : { view: v }), ...(p > 1 ? { page: String(p) } : {}) })}`;

  return (
    <>
      <LiveRefresh active={live} intervalMs={1000} />
      <Link href="/batches" className="mb-2 inline-flex items-center gap-1 text-xs font-medium text-ink-muted hover:text-ink">
        <ArrowLeft aria-hidden className="size-3.5" />
        Batch payouts
      </Link>
      <PageHeader
        title={`Batch ${batch.reference}`}
        description={`${batch.fileName} · uploaded ${formatDateTime(batch.createdAt)} by ${overview.makerName}`}
        actions={
          <>
            {submitted ? (
              <>
                <Button asChild variant="secondary">
                  <Link href={`/transfers?batch=${id}`}>
                    <History aria-hidden />
                    View in history
                  </Link>
                </Button>
                <Button asChild variant="secondary">
                  <a href={`/batches/${id}/export`} download>
                    <Download aria-hidden />
                    Export results
                  </a>
                </Button>
              </>
            ) : null}
            <BatchActions
              batch={{ id, reference: batch.reference, status: batch.status }}
              rows={counts.all}
              total={overview.total}
              blocking={counts.invalid + counts.unconfirmed}
              duplicates={counts.duplicates}
              needsApproval={needsApproval(limits, overview.total)}
              canSubmit={isMaker && (batch.status === "ready" || batch.status === "checking")}
              canCancel={isMaker && ["checking", "ready", "awaiting_approval"].includes(batch.status)}
              canDecide={!isMaker && user.role === "manager" && batch.status === "awaiting_approval" && !rechecking}
              canResume={batch.status === "sending" && batch.pausedAt !== null && (user.id === (batch.approverId ?? batch.makerId) || (user.role === "manager" && !isMaker))}
            />
          </>
        }
      />
      {hold ? <ApprovalHoldNotice message={approvalHoldMessage(hold, now)} /> : null}
      <section aria-label="Status" className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-line bg-surface px-4 py-3 text-sm">
        <BatchStatusBadge status={batch.status} className="text-sm" />
        <p>{statusSentence(overview, isMaker, user.role === "manager")}</p>
        {batch.reason ? <p className="w-full text-ink-muted">Reason: {batch.reason}</p> : null}
      </section>
      <div className="mb-4 grid grid-cols-3 gap-4">
        <Total label="Rows" value={formatNumber(counts.all)} testId="total-rows" />
        <Total label="Amount" value={formatRupiah(overview.total)} testId="total-amount" />
        <Total label="Needing attention" value={formatNumber(counts.attention)} testId="total-attention" tone={counts.attention > 0 ? "danger" : undefined} />
      </div>
      <BatchProgress overview={overview} />
      <nav aria-label="Rows shown" className="mt-6 mb-2 flex items-center gap-1 text-sm">
        {batchRowViews.map((v) => (
          <Link
            key={v}
            href={viewHref(v)}
            aria-current={v === view ? "page" : undefined}
            className={cn("rounded-md px-2.5 py-1", v === view ? "bg-brand-soft font-medium text-brand-strong" : "text-ink-muted hover:text-ink")}
          >
            {viewLabels[v]}
            {v === "attention" ? ` (${formatNumber(counts.attention)})` : v === "removed" ? ` (${formatNumber(counts.removed)})` : ` (${formatNumber(counts.all)})`}
          </Link>
        ))}
      </nav>
      {rows.rows.length > 0 ? (
        <BatchRows batchId={id} rows={rows.rows} editable={editable} duplicatesAccepted={batch.duplicatesAccepted} />
      ) : (
        <div className="rounded-lg border border-dashed border-line-strong bg-surface p-6 text-center text-sm text-ink-muted">
          {view === "attention" ? "No row needs attention." : "No rows here."}
        </div>
      )}
      {rows.pages > 1 ? (
        <nav aria-label="Pages of rows" className="mt-3 flex items-center justify-between text-sm">
          <span className="text-ink-muted">
            Rows {formatNumber((page - 1) * batchRowsPageSize + 1)}–{formatNumber((page - 1) * batchRowsPageSize + rows.rows.length)} of {formatNumber(rows.total)}
          </span>
          <span className="flex gap-2">
            {page > 1 ? (
              <Button asChild variant="secondary" size="sm">
                <Link href={viewHref(view, page - 1)}>Previous</Link>
              </Button>
            ) : null}
            {page < rows.pages ? (
              <Button asChild variant="secondary" size="sm">
                <Link href={viewHref(view, page + 1)}>Next</Link>
              </Button>
            ) : null}
          </span>
        </nav>
      ) : null}
    </>
  );
}

function statusSentence(overview: NonNullable<ReturnType<typeof batchOverview>>, isMaker: boolean, isManager: boolean): ReactNode {
  const { batch, rows, approverName } = overview;
  switch (batch.status) {
    case "checking":
      return "Looking up every wallet. You can leave this page: the check goes on and its progress is kept.";
    case "ready":
      return rows.invalid + rows.unconfirmed > 0
        ? "Fix or remove the rows needing attention, then submit the batch."
        : isMaker
          ? "Every wallet is confirmed. Review the names, then submit the batch."
          : "Every wallet is confirmed; its maker can submit it.";
    case "awaiting_approval":
      if (batch.recheckRequestedAt !== null) return "Looking up again the wallets whose look-up is older than 15 minutes, before anything is sent. Approve again once this is done.";
      return isMaker ? "Waiting for another manager to approve the batch." : isManager ? "Review the rows, then approve or reject the batch as a whole." : "Waiting for a manager's approval.";
    case "sending":
      if (batch.pausedAt !== null) {
        return `Sending stopped (the app was down) and was not resumed on its own after more than 15 minutes. Its approver, or another manager, confirms before the rest is sent.`;
      }
      return `Approved${approverName ? ` by ${approverName}` : ""}. Sending the rows to Cash In; you can leave this page.`;
    case "sent":
      return `Every row was sent${approverName ? ` (approved by ${approverName})` : ""}. Rows still processing are settled automatically.`;
    case "rejected":
      return `Rejected by ${approverName ?? "a manager"}. Nothing was sent.`;
    case "canceled":
      return "Canceled by its maker. Nothing was sent.";
    case "expired":
      return "Not approved within the approval window. Nothing was sent.";
  }
}

function Total({ label, value, testId, tone }: { label: string; value: string; testId: string; tone?: "danger" }) {
  return (
    <div className="rounded-lg border border-line bg-surface px-4 py-3">
      <p className="text-xs text-ink-muted">{label}</p>
      <p className={cn("text-lg font-semibold tabular-nums", tone === "danger" && "text-danger")} data-testid={testId}>
        {value}
      </p>
    </div>
  );
}
