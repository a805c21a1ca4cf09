import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import { useTranslations } from "next-intl";
import Link from "next/link";
import type { ReactNode } from "react";
import { useFormat } from "@/components/i18n/use-format";
import { TH, THead } from "@/components/ui/table";
import type { HistoryRow } from "@/lib/transfers/history";
import { cn } from "@/lib/cn";
import { formatPhone } from "@/lib/phone-display";
import { isUnsettledAtGateway } from "@/lib/transfers/status";
import { walletLabel } from "@/lib/transfers/wallets";
import { RefreshStatusButton } from "./refresh-buttons";
import { StatusBadge } from "./status-badge";

type SortColumn = "created" | "amount";

/** Where each sortable header leads, and the column and direction the rows are in now. */
export type TableSort = { sort: SortColumn; dir: "asc" | "desc"; hrefs: Record<SortColumn, string> };

/**
 * Transfers, one row each, dense enough for 1024 px: when, which (reference and maker), to whom,
 * how much, and the status with a "Refresh status" button while Cash In has not settled it.
 * Below `md` each row is a card instead (docs/language.md#phones): to whom and how much first, then the reference, by
 * whom and when, each with its label, and the status last (what can be focused, the reference's link and the refresh
 * button, comes in the order it is seen). One markup for both, laid out by CSS: rendering the rows twice
 * (a list of cards and a table, one of them hidden) made every history page a third heavier to render and to send.
 */
export function TransfersTable({ rows, sort, caption }: { rows: HistoryRow[]; sort?: TableSort; caption: string }) {
  const t = useTranslations("history.table");
  const format = useFormat();
  const label = (text: string) => <span className="inline-block w-24 text-ink-muted md:hidden">{text}</span>;
  return (
    <>
      {sort ? (
        <p className="mb-2 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-ink-muted md:hidden">
          {t("sortBy")}
          <SortLink column="created" sort={sort}>
            {t("created")}
          </SortLink>
          <SortLink column="amount" sort={sort}>
            {t("amount")}
          </SortLink>
        </p>
      ) : null}
      <div className="md:overflow-x-auto md:rounded-lg md:border md:border-line md:bg-surface">
        <table className="block w-full border-collapse text-sm md:table">
          <caption className="sr-only">{caption}</caption>
          <THead className="sr-only md:not-sr-only">
            <tr>
              <SortableTH column="created" sort={sort} className="pr-2">
                {t("created")}
              </SortableTH>
              <TH className="px-2">{t("reference")}</TH>
              <TH className="px-2">{t("recipient")}</TH>
              <SortableTH column="amount" sort={sort} className="px-2 text-right">
                {t("amount")}
              </SortableTH>
              <TH className="pl-2">{t("status")}</TH>
            </tr>
          </THead>
          {/* The rows' and cells' shared classes are set once, here (`*:` is each row, `[&_td]` each cell): written on every
              row they were a sixth of the page. */}
          <tbody
            className={cn(
              "flex flex-col gap-2 md:table-row-group",
              "*:grid *:grid-cols-[minmax(0,1fr)_auto] *:gap-x-3 *:rounded-lg *:border *:border-line *:bg-surface *:p-3",
              "md:*:table-row md:*:rounded-none md:*:border-0 md:*:not-last:border-b md:*:bg-transparent md:*:p-0 md:*:hover:bg-canvas/60",
              "md:[&_td]:h-10 md:[&_td]:px-2 md:[&_td]:py-1.5 md:[&_td]:align-middle md:[&_td:first-child]:pl-3 md:[&_td:last-child]:pr-3",
            )}
          >
            {rows.map((row) => (
              <tr key={row.id} data-testid={`transfer-row-${row.reference}`}>
                <td className="order-4 col-span-2 mt-0.5 text-xs md:text-sm md:whitespace-nowrap">
                  {label(t("created"))}
                  <span className="md:block">{format.date(row.createdAt)}</span>{" "}
                  <span className="md:block md:text-xs md:text-ink-muted">{format.time(row.createdAt)}</span>
                </td>
                <td className="order-3 col-span-2 mt-2 text-xs">
                  {label(t("reference"))}
                  <Link href={`/transfers/${row.id}`} prefetch={false} className="font-mono font-medium break-all text-brand hover:underline md:break-normal">
                    {row.reference}
                  </Link>
                  <p className="text-ink-muted">
                    {label(t("madeBy"))}
                    <span className="md:hidden">{row.makerName}</span>
                    <span className="hidden md:inline">{t("byMaker", { name: row.makerName })}</span>
                  </p>
                </td>
                <td className="order-1 min-w-0">
                  <p className="font-medium break-words">{row.ownerName}</p>
                  <p className="text-xs text-ink-muted">
                    {walletLabel[row.wallet]} · <span className="whitespace-nowrap">{formatPhone(row.phone)}</span>
                  </p>
                  {row.memo ? <p className="text-xs break-words md:max-w-xs">{t("memo", { memo: row.memo })}</p> : null}
                </td>
                <td className="order-2 text-right font-semibold whitespace-nowrap tabular-nums md:font-medium">{format.rupiah(row.amount)}</td>
                <td className="order-5 col-span-2 mt-2 md:whitespace-nowrap">
                  <div className="flex flex-wrap items-center gap-1 md:flex-nowrap">
                    <StatusBadge status={row.status} />
                    {isUnsettledAtGateway(row.status) ? <RefreshStatusButton transferId={row.id} reference={row.reference} compact /> : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** The phone's sort links (the cards have no column headers): the same links as the table's headers. */
function SortLink({ column, sort, children }: { column: SortColumn; sort: TableSort; children: ReactNode }) {
  const t = useTranslations("history.table");
  const active = sort.sort === column;
  const Icon = active ? (sort.dir === "asc" ? ArrowUp : ArrowDown) : ArrowUpDown;
  return (
    <Link
      href={sort.hrefs[column]}
      aria-current={active ? "true" : undefined}
      className={cn("inline-flex min-h-6 items-center gap-1 font-medium hover:text-ink", active ? "text-ink" : "text-brand")}
    >
      {children}
      {active ? <span className="sr-only">{sort.dir === "asc" ? t("ascending") : t("descending")}</span> : null}
      <Icon aria-hidden className="size-3.5" />
    </Link>
  );
}

function SortableTH({ column, sort, className, children }: { column: SortColumn; sort?: TableSort; className?: string; children: ReactNode }) {
  if (!sort) return <TH className={className}>{children}</TH>;
  const active = sort.sort === column;
  const Icon = active ? (sort.dir === "asc" ? ArrowUp : ArrowDown) : ArrowUpDown;
  // Below md the header is for screen readers only and the visible "Sort by" links sort: a link here would be focused unseen.
  return (
    <TH className={className} aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : undefined}>
      <span className="md:hidden">{children}</span>
      <Link href={sort.hrefs[column]} className={cn("hidden min-h-6 items-center gap-1 hover:text-ink md:inline-flex", active && "text-ink")}>
        {children}
        <Icon aria-hidden className="size-3.5" />
      </Link>
    </TH>
  );
}
