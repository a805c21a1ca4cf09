import { ArrowRight, CalendarClock } from "lucide-react";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { Suspense, type ReactNode } from "react";
import { Dashboard } from "@/components/dashboard/dashboard";
import { DashboardSkeleton } from "@/components/dashboard/skeleton";
import { getFormat } from "@/components/i18n/get-format";
import { NewTransferButton } from "@/components/transfers/new-transfer-button";
import { PageHeader } from "@/components/shell/app-shell";
import { TransfersTable } from "@/components/transfers/history-table";
import { StatusBadge } from "@/components/transfers/status-badge";
import { db } from "@/db/client";
import type { TransferStatus } from "@/lib/transfers/status";
import { dashboardSummary } from "@/lib/transfers/history";
import { scheduledToday } from "@/lib/batches/queries";
import { defaultHistoryFilters, historySearchParams, type HistoryFilters } from "@/lib/transfers/history-filters";
import { requireUser } from "@/lib/auth/session";
import { cn } from "@/lib/cn";
import { cachedDashboardFigures, dashboardFiguresAtHand } from "@/lib/dashboard/cache";
import { env, isPostgresUrl, sqlitePath } from "@/lib/env";
import { figuresOffThread } from "@/lib/dashboard/off-thread";
import { parseDashboardRange, type DashboardRange, type RangeChoice } from "@/lib/dashboard/range";
import type { SearchParamsInput } from "@/lib/search-params";
import { formatSortableDateTime } from "@/lib/format";
import { unsettledAtGateway } from "@/lib/transfers/status";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("overview");
  return { title: t("title") };
}

/**
 * Today's money, kept apart by what happened to it: sent (Cash In confirmed it, or it is on its way there) and
 * awaiting approval (not sent yet). Failed, rejected, canceled, expired and refunded transfers moved no money out.
 */
const sentStatuses = ["approved", "sending", "processing", "succeeded"] as const satisfies readonly TransferStatus[];

function historyHref(changes: Partial<HistoryFilters>): string {
  return `/transfers?${historySearchParams(defaultHistoryFilters, changes)}`;
}

export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParamsInput> }) {
  const user = await requireUser();
  const t = await getTranslations("overview");
  const format = await getFormat();
  const now = new Date();
  const summary = await dashboardSummary(db(), now);
  const today = formatSortableDateTime(now).slice(0, 10);
  const todays = summary.today.byStatus.filter((tally) => tally.count > 0);
  const tally = (statuses: readonly TransferStatus[]) =>
    summary.today.byStatus
      .filter((entry) => statuses.includes(entry.status))
      .reduce((sum, entry) => ({ count: sum.count + entry.count, total: sum.total + entry.total }), { count: 0, total: 0 });
  const sent = tally(sentStatuses);
  const waiting = tally(["awaiting_approval"]);
  const choice = parseDashboardRange(await searchParams, now);
  // Batches to be sent later today (docs/batches.md#scheduled-batches).
  const scheduled = await scheduledToday(db(), now);
  // Figures read lately are rendered with the page; a range to be read waits in a Suspense boundary of its own.
  const atHand = dashboardFiguresAtHand(db(), choice.range, figureOptions());

  return (
    <>
      <PageHeader
        title={t("welcome", { name: user.name })}
        description={t("description", { date: format.date(now) })}
        actions={<NewTransferButton />}
      />
      <section aria-label={t("atAGlance")} className="mb-4 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Tile
          label={t("sentToday")}
          href={historyHref({ status: [...sentStatuses], from: today, to: today })}
          detail={t("sentDetail", { count: sent.count })}
          testId="today-sent"
        >
          {format.rupiah(sent.total)}
        </Tile>
        <Tile
          label={t("waitingToday")}
          href={historyHref({ status: ["awaiting_approval"], from: today, to: today })}
          detail={t("waitingTodayDetail", { count: waiting.count })}
          tone={waiting.count > 0 ? "warn" : undefined}
          testId="today-awaiting"
        >
          {format.rupiah(waiting.total)}
        </Tile>
        <Tile
          label={t("awaitingApproval")}
          href={user.role === "manager" ? "/approvals" : historyHref({ status: ["awaiting_approval"] })}
          detail={user.role === "manager" ? t("awaitingManager") : t("awaitingStaff")}
          tone={summary.awaitingApproval > 0 ? "warn" : undefined}
        >
          {format.number(summary.awaitingApproval)}
        </Tile>
        <Tile
          label={t("unsettled")}
          href={historyHref({ status: [...unsettledAtGateway] })}
          detail={t("unsettledDetail")}
          tone={summary.unsettled > 0 ? "info" : undefined}
        >
          {format.number(summary.unsettled)}
        </Tile>
      </section>

      {scheduled.count > 0 ? (
        <p className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-line bg-surface px-4 py-3 text-sm" data-testid="scheduled-today">
          <CalendarClock aria-hidden className="size-4 shrink-0 text-brand" />
          <span className="min-w-0 font-medium">{t("scheduledToday", { count: scheduled.count, total: format.rupiah(scheduled.total) })}</span>
          <Link href={historyHref({ scheduled: true })} className="inline-flex min-h-6 items-center gap-1 text-xs font-medium text-brand hover:underline">
            {t("scheduledTodayLink")}
            <ArrowRight aria-hidden className="size-3.5" />
          </Link>
        </p>
      ) : null}

      <section aria-labelledby="today-heading" className="mb-6">
        <h2 id="today-heading" className="mb-2 text-sm font-semibold">
          {t("byStatus")}
        </h2>
        {todays.length > 0 ? (
          <ul className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-5">
            {todays.map((entry) => (
              <li key={entry.status}>
                <Link
                  href={historyHref({ status: [entry.status], from: today, to: today })}
                  className="flex flex-col gap-0.5 rounded-lg border border-line bg-surface px-3 py-2 hover:border-brand/40"
                  data-testid={`today-${entry.status}`}
                >
                  <StatusBadge status={entry.status} className="self-start" />
                  <span className="text-lg font-semibold tabular-nums">{format.number(entry.count)}</span>
                  <span className="text-xs text-ink-muted tabular-nums">{format.rupiah(entry.total)}</span>
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="rounded-lg border border-dashed border-line-strong bg-surface px-4 py-3 text-sm text-ink-muted">
            {t("noneToday")}{" "}
            <Link href="/transfers/new" className="font-medium text-brand hover:underline">
              {t("newTransfer")}
            </Link>
          </p>
        )}
      </section>

      <section aria-labelledby="latest-heading">
        <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="latest-heading" className="text-sm font-semibold">
            {t("latest")}
          </h2>
          <Link href="/transfers" className="inline-flex min-h-6 items-center gap-1 text-xs font-medium text-brand hover:underline">
            {t("allTransfers")}
            <ArrowRight aria-hidden className="size-3.5" />
          </Link>
        </div>
        {summary.latest.length > 0 ? (
          <TransfersTable rows={summary.latest} caption={t("latestCaption")} />
        ) : (
          <p className="rounded-lg border border-dashed border-line-strong bg-surface p-8 text-center text-sm text-ink-muted">
            {t("noneYet")}{" "}
            <Link href="/transfers/new" className="font-medium text-brand hover:underline">
              {t("newTransfer")}
            </Link>
          </p>
        )}
      </section>

      {atHand ? (
        <Dashboard choice={choice} figures={atHand.figures} asOf={atHand.computedAt} />
      ) : (
        <Suspense key={`${choice.range.from} ${choice.range.to}`} fallback={<DashboardSkeleton />}>
          <DashboardSection choice={choice} />
        </Suspense>
      )}
    </>
  );
}

/**
 * How the dashboard's figures are read (docs/dashboard.md#freshness): on SQLite in a worker thread, so the page's first
 * part (tiles, latest transfers) is sent meanwhile and other requests go on; PostgreSQL does the work on its server, read
 * as any other query.
 */
function figureOptions() {
  const url = env().DATABASE_URL;
  const read = isPostgresUrl(url) ? undefined : (range: DashboardRange) => figuresOffThread(sqlitePath(url), range);
  return { maxAgeMs: env().DASHBOARD_CACHE_MS, read };
}

/** The dashboard when its figures must be read first: it streams in after the tiles (at a million transfers, a second). */
async function DashboardSection({ choice }: { choice: RangeChoice }) {
  const { figures, computedAt } = await cachedDashboardFigures(db(), choice.range, figureOptions());
  return <Dashboard choice={choice} figures={figures} asOf={computedAt} />;
}

function Tile({
  label,
  href,
  detail,
  tone,
  testId,
  children,
}: {
  label: string;
  href: string;
  detail: string;
  tone?: "warn" | "info";
  testId?: string;
  children: ReactNode;
}) {
  return (
    <Link
      href={href}
      data-testid={testId}
      className={cn(
        "flex min-w-0 flex-col gap-0.5 rounded-lg border border-line bg-surface px-4 py-3 hover:border-brand/40",
        tone === "warn" && "border-l-4 border-l-warn",
        tone === "info" && "border-l-4 border-l-info",
      )}
    >
      <span className="text-xs font-medium text-ink-muted">{label}</span>
      <span className="text-2xl font-semibold tracking-tight break-words tabular-nums">{children}</span>
      <span className="text-xs text-ink-muted">{detail}</span>
    </Link>
  );
}
