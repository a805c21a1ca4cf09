import { ArrowRight } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { NewTransferButton } from "@/components/transfers/new-transfer-button";
import { PageHeader } from "@/components/shell/app-shell";
import { TransfersTable } from "@/components/transfers/history-table";
import { StatusBadge } from "@/components/transfers/status-badge";
import { db } from "@/db/client";
import { dashboardSummary } from "@/lib/transfers/history";
import { defaultHistoryFilters, historySearchParams, type HistoryFilters } from "@/lib/transfers/history-filters";
import { requireUser } from "@/lib/auth/session";
import { cn } from "@/lib/cn";
import { formatDate, formatNumber, formatRupiah, formatSortableDateTime } from "@/lib/format";
import { unsettledAtGateway } from "@/lib/transfers/status";

export const metadata: Metadata = { title: "Overview · Cash In Payouts" };


function historyHref(changes: Partial<HistoryFilters>): string {
  return `/transfers?${historySearchParams(defaultHistoryFilters, changes)}`;
}

export default async function OverviewPage() {
  const user = await requireUser();
  const now = new Date();
  const summary = dashboardSummary(db(), now);
  const today = formatSortableDateTime(now).slice(0, 10);
  const todays = summary.today.byStatus.filter((tally) => tally.count > 0);

  return (
    <>
      <PageHeader
        title={`Welcome, ${user.name}`}
        description={`Today is ${formatDate(now)}. Figures count transfers created today, Jakarta time.`}
        actions={
          <NewTransferButton />
        }
      />
      <section aria-label="At a glance" className="mb-4 grid grid-cols-3 gap-3">
        <Tile label="Today" href={historyHref({ from: today, to: today })} detail={formatRupiah(summary.today.total)}>
          {formatNumber(summary.today.count)} {summary.today.count === 1 ? "transfer" : "transfers"}
        </Tile>
        <Tile
          label="Awaiting approval"
          href={user.role === "manager" ? "/approvals" : historyHref({ status: ["awaiting_approval"] })}
          detail={user.role === "manager" ? "Waiting for you or another manager" : "Waiting for a manager"}
          tone={summary.awaitingApproval > 0 ? "warn" : undefined}
        >
          {formatNumber(summary.awaitingApproval)}
        </Tile>
        <Tile
          label="Unsettled"
          href={historyHref({ status: [...unsettledAtGateway] })}
          detail="Sent; Cash In's answer is checked automatically"
          tone={summary.unsettled > 0 ? "info" : undefined}
        >
          {formatNumber(summary.unsettled)}
        </Tile>
      </section>

      <section aria-labelledby="today-heading" className="mb-6">
        <h2 id="today-heading" className="mb-2 text-sm font-semibold">
          Today by status
        </h2>
        {todays.length > 0 ? (
          <ul className="grid grid-cols-5 gap-2">
            {todays.map((tally) => (
              <li key={tally.status}>
                <Link
                  href={historyHref({ status: [tally.status], from: today, to: today })}
                  className="flex flex-col gap-0.5 rounded-lg border border-line bg-surface px-3 py-2 hover:border-brand/40"
                  data-testid={`today-${tally.status}`}
                >
                  <StatusBadge status={tally.status} className="self-start" />
                  <span className="text-lg font-semibold tabular-nums">{formatNumber(tally.count)}</span>
                  <span className="text-xs text-ink-muted tabular-nums">{formatRupiah(tally.total)}</span>
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="rounded-lg border border-dashed border-line-strong bg-surface px-4 py-3 text-sm text-ink-muted">
            No transfers today yet.{" "}
            <Link href="/transfers/new" className="font-medium text-brand hover:underline">
              New transfer
            </Link>
          </p>
        )}
      </section>

      <section aria-labelledby="latest-heading">
        <div className="mb-2 flex items-baseline justify-between">
          <h2 id="latest-heading" className="text-sm font-semibold">
            Latest transfers
          </h2>
          <Link href="/transfers" className="inline-flex items-center gap-1 text-xs font-medium text-brand hover:underline">
            All transfers
            <ArrowRight aria-hidden className="size-3.5" />
          </Link>
        </div>
        {summary.latest.length > 0 ? (
          <TransfersTable rows={summary.latest} caption="The latest 10 transfers" />
        ) : (
          <p className="rounded-lg border border-dashed border-line-strong bg-surface p-8 text-center text-sm text-ink-muted">
            No transfers yet —{" "}
            <Link href="/transfers/new" className="font-medium text-brand hover:underline">
              New transfer
            </Link>
          </p>
        )}
      </section>
    </>
  );
}

function Tile({
  label,
  href,
  detail,
  tone,
  children,
}: {
  label: string;
  href: string;
  detail: string;
  tone?: "warn" | "info";
  children: ReactNode;
}) {
  return (
    <Link
      href={href}
      className={cn(
        "flex flex-col gap-0.5 rounded-lg border border-line bg-surface px-4 py-3 hover:border-brand/40",
        tone === "warn" && "border-l-4 border-l-warn",
        tone === "info" && "border-l-4 border-l-info",
      )}
    >
      <span className="text-xs font-medium text-ink-muted">{label}</span>
      <span className="text-2xl font-semibold tracking-tight tabular-nums">{children}</span>
      <span className="text-xs text-ink-muted">{detail}</span>
    </Link>
  );
}
