import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import { useTranslations } from "next-intl";
import Link from "next/link";
import type { ReactNode } from "react";
import { TH, THead } from "@/components/ui/table";
import type { HistoryRow } from "@/lib/transfers/history";
import { cn } from "@/lib/cn";
import { formatPhone } from "@/lib/phone-display";
import { TransferRows } from "./transfer-rows";

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
          <TransferRows rows={rows.map(({ makerId: _makerId, phone, ...shown }) => ({ ...shown, phoneText: formatPhone(phone) }))} />
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
