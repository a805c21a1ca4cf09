import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import { useTranslations } from "next-intl";
import Link from "next/link";
import type { ReactNode } from "react";
import { useFormat } from "@/components/i18n/use-format";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
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
 * Below `md` the same rows as stacked cards (docs/language.md#phones).
 */
export function TransfersTable({ rows, sort, caption }: { rows: HistoryRow[]; sort?: TableSort; caption: string }) {
  const t = useTranslations("history.table");
  const format = useFormat();
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
      <ul aria-label={caption} className="flex flex-col gap-2 md:hidden">
        {rows.map((row) => (
          <li key={row.id} className="rounded-lg border border-line bg-surface p-3 text-sm" data-testid={`transfer-card-${row.reference}`}>
            <div className="flex items-start justify-between gap-3">
              <div className="min-w-0">
                <p className="font-medium break-words">{row.ownerName}</p>
                <p className="text-xs text-ink-muted">
                  {walletLabel[row.wallet]} · <span className="whitespace-nowrap">{formatPhone(row.phone)}</span>
                </p>
                {row.memo ? <p className="text-xs break-words">{t("memo", { memo: row.memo })}</p> : null}
              </div>
              <p className="shrink-0 font-semibold whitespace-nowrap tabular-nums">{format.rupiah(row.amount)}</p>
            </div>
            <div className="mt-2 flex flex-wrap items-center gap-1">
              <StatusBadge status={row.status} />
              {isUnsettledAtGateway(row.status) ? <RefreshStatusButton transferId={row.id} reference={row.reference} compact /> : null}
            </div>
            <dl className="mt-2 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-0.5 text-xs">
              <dt className="text-ink-muted">{t("reference")}</dt>
              <dd className="min-w-0">
                <Link href={`/transfers/${row.id}`} prefetch={false} className="font-mono font-medium break-all text-brand hover:underline">
                  {row.reference}
                </Link>
              </dd>
              <dt className="text-ink-muted">{t("created")}</dt>
              <dd>{format.dateTime(row.createdAt)}</dd>
              <dt className="text-ink-muted">{t("madeBy")}</dt>
              <dd className="break-words">{row.makerName}</dd>
            </dl>
          </li>
        ))}
      </ul>
      <div className="hidden md:block">
        <Table>
          <caption className="sr-only">{caption}</caption>
          <THead>
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
          <TBody>
            {rows.map((row) => (
              <TR key={row.id} data-testid={`transfer-row-${row.reference}`}>
                <TD className="py-1.5 pr-2 whitespace-nowrap">
                  <p>{format.date(row.createdAt)}</p>
                  <p className="text-xs text-ink-muted">{format.time(row.createdAt)}</p>
                </TD>
                <TD className="px-2 py-1.5">
                  <Link href={`/transfers/${row.id}`} prefetch={false} className="font-mono text-xs font-medium text-brand hover:underline">
                    {row.reference}
                  </Link>
                  <p className="text-xs text-ink-muted">{t("byMaker", { name: row.makerName })}</p>
                </TD>
                <TD className="px-2 py-1.5">
                  <p className="font-medium">{row.ownerName}</p>
                  <p className="text-xs text-ink-muted">
                    {walletLabel[row.wallet]} · <span className="whitespace-nowrap">{formatPhone(row.phone)}</span>
                  </p>
                  {row.memo ? <p className="max-w-xs text-xs break-words">{t("memo", { memo: row.memo })}</p> : null}
                </TD>
                <TD className="px-2 text-right font-medium whitespace-nowrap tabular-nums">{format.rupiah(row.amount)}</TD>
                <TD className="pl-2 whitespace-nowrap">
                  <div className="flex items-center gap-1">
                    <StatusBadge status={row.status} />
                    {isUnsettledAtGateway(row.status) ? <RefreshStatusButton transferId={row.id} reference={row.reference} compact /> : null}
                  </div>
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
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
  return (
    <TH className={className} aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : undefined}>
      <Link href={sort.hrefs[column]} className={cn("inline-flex min-h-6 items-center gap-1 hover:text-ink", active && "text-ink")}>
        {children}
        <Icon aria-hidden className="size-3.5" />
      </Link>
    </TH>
  );
}
