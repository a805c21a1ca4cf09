import { Download, FileSpreadsheet } from "lucide-react";
import type { Metadata } from "next";
import { useTranslations } from "next-intl";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { getFormat } from "@/components/i18n/get-format";
import { NewTransferButton } from "@/components/transfers/new-transfer-button";
import { PageHeader } from "@/components/shell/app-shell";
import { HistoryFilters } from "@/components/transfers/history-filters";
import { HistoryPagination } from "@/components/transfers/history-pagination";
import { TransfersTable } from "@/components/transfers/history-table";
import { RefreshAllUnsettledButton } from "@/components/transfers/refresh-buttons";
import { Button } from "@/components/ui/button";
import { db } from "@/db/client";
import { batchReference } from "@/lib/batches/queries";
import { defaultHistoryFilters, historyPageSizes, historySearchParams, isFiltered, parseHistoryFilters, type HistoryFilters as Filters } from "@/lib/transfers/history-filters";
import { listTransfers } from "@/lib/transfers/history";
import { requireUser } from "@/lib/auth/session";
import { listUsers } from "@/lib/users/service";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("history");
  return { title: t("title") };
}

function withQuery(path: string, params: URLSearchParams): string {
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

export default async function HistoryPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const t = await getTranslations("history");
  const format = await getFormat();
  const filters = parseHistoryFilters(await searchParams);
  const database = db();
  const result = await listTransfers(database, filters);
  const makers = (await listUsers(database)).map(({ id, name }) => ({ id, name }));
  const batch = filters.batch === undefined ? undefined : await batchReference(database, filters.batch);

  const href = (changes: Partial<Filters>) => withQuery("/transfers", historySearchParams(filters, changes));
  const filtered = isFiltered(filters);
  const offset = (filters.page - 1) * filters.pageSize;
  const sortHref = (sort: Filters["sort"]) =>
    href({ sort, dir: filters.sort === sort && filters.dir === "desc" ? "asc" : "desc", page: 1 });
  // The form keeps the view's order and page size; everything else it shows itself.
  const keep = [...historySearchParams({ ...defaultHistoryFilters, sort: filters.sort, dir: filters.dir, pageSize: filters.pageSize })];
  const exportParams = historySearchParams(filters, { page: 1, pageSize: defaultHistoryFilters.pageSize });
  const exportHref = withQuery("/transfers/export", exportParams);
  // The same rows as an Excel workbook: the CSV export's URL with format=xlsx.
  const xlsxHref = withQuery("/transfers/export", new URLSearchParams([...exportParams, ["format", "xlsx"]]));

  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <>
            <RefreshAllUnsettledButton />
            <Button asChild variant="secondary">
              <a href={exportHref} download>
                <Download aria-hidden />
                {t("exportCsv")}
              </a>
            </Button>
            <Button asChild variant="secondary">
              <a href={xlsxHref} download>
                <FileSpreadsheet aria-hidden />
                {t("exportXlsx")}
              </a>
            </Button>
            <NewTransferButton />
          </>
        }
      />
      <HistoryFilters
        key={historySearchParams(filters).toString()}
        values={{
          q: filters.q ?? "",
          status: filters.status,
          scheduled: filters.scheduled ?? false,
          wallet: filters.wallet ?? "",
          maker: filters.maker === undefined ? "" : String(filters.maker),
          from: filters.from ?? "",
          to: filters.to ?? "",
          min: filters.min === undefined ? "" : format.number(filters.min),
          max: filters.max === undefined ? "" : format.number(filters.max),
        }}
        makers={makers}
        batch={batch ? { ...batch, clearHref: href({ batch: undefined, page: 1 }) } : undefined}
        keep={keep}
        filtered={filtered}
      />
      {result.rows.length > 0 ? (
        <>
          <TransfersTable
            rows={result.rows}
            caption={filtered ? t("captionFiltered") : t("captionAll")}
            sort={{ sort: filters.sort, dir: filters.dir, hrefs: { created: sortHref("created"), amount: sortHref("amount") } }}
          />
          <HistoryPagination
            page={filters.page}
            shown={{ first: offset + 1, last: offset + result.rows.length }}
            total={result.total}
            previousHref={filters.page > 1 ? href({ page: filters.page - 1 }) : undefined}
            nextHref={result.hasMore ? href({ page: filters.page + 1 }) : undefined}
            pageSizes={historyPageSizes.map((size) => ({ size, href: href({ pageSize: size, page: 1 }) }))}
            pageSize={filters.pageSize}
          />
        </>
      ) : (
        <EmptyHistory filtered={filtered} beyondEnd={filters.page > 1} firstPageHref={href({ page: 1 })} clearHref={withQuery("/transfers", new URLSearchParams(keep))} />
      )}
    </>
  );
}

function EmptyHistory({ filtered, beyondEnd, firstPageHref, clearHref }: { filtered: boolean; beyondEnd: boolean; firstPageHref: string; clearHref: string }) {
  const t = useTranslations("history.empty");
  const [message, href, link] = beyondEnd
    ? [t("beyondEnd"), firstPageHref, t("firstPage")]
    : filtered
      ? [t("filtered"), clearHref, t("clearFilters")]
      : [t("none"), "/transfers/new", t("newTransfer")];
  return (
    <div className="rounded-lg border border-dashed border-line-strong bg-surface p-8 text-center text-sm">
      <p className="text-ink-muted">{message}</p>
      <p className="mt-2">
        <Link href={href} className="font-medium text-brand hover:underline">
          {link}
        </Link>
      </p>
    </div>
  );
}
