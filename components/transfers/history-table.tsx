import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import type { HistoryRow } from "@/lib/transfers/history";
import { cn } from "@/lib/cn";
import { formatDate, formatRupiah, formatTime } from "@/lib/format";
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
 */
export function TransfersTable({ rows, sort, caption }: { rows: HistoryRow[]; sort?: TableSort; caption: string }) {
  return (
    <Table>
      <caption className="sr-only">{caption}</caption>
      <THead>
        <tr>
          <SortableTH column="created" sort={sort} className="pr-2">
            Created
          </SortableTH>
          <TH className="px-2">Reference</TH>
          <TH className="px-2">Recipient</TH>
          <SortableTH column="amount" sort={sort} className="px-2 text-right">
            Amount
          </SortableTH>
          <TH className="pl-2">Status</TH>
        </tr>
      </THead>
      <TBody>
        {rows.map((row) => (
          <TR key={row.id} data-testid={`transfer-row-${row.reference}`}>
            <TD className="py-1.5 pr-2 whitespace-nowrap">
              <p>{formatDate(row.createdAt)}</p>
              <p className="text-xs text-ink-muted">{formatTime(row.createdAt)}</p>
            </TD>
            <TD className="px-2 py-1.5">
              <Link href={`/transfers/${row.id}`} className="font-mono text-xs font-medium text-brand hover:underline">
                {row.reference}
              </Link>
              <p className="text-xs text-ink-muted">by {row.makerName}</p>
            </TD>
            <TD className="px-2 py-1.5">
              <p className="font-medium">{row.ownerName}</p>
              <p className="text-xs text-ink-muted">
                {walletLabel[row.wallet]} · <span className="whitespace-nowrap">{row.phone}</span>
              </p>
            </TD>
            <TD className="px-2 text-right font-medium whitespace-nowrap tabular-nums">{formatRupiah(row.amount)}</TD>
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
  );
}

function SortableTH({ column, sort, className, children }: { column: SortColumn; sort?: TableSort; className?: string; children: ReactNode }) {
  if (!sort) return <TH className={className}>{children}</TH>;
  const active = sort.sort === column;
  const Icon = active ? (sort.dir === "asc" ? ArrowUp : ArrowDown) : ArrowUpDown;
  return (
    <TH className={className} aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : undefined}>
      <Link
        href={sort.hrefs[column]}
        className={cn("inline-flex items-center gap-1 hover:text-ink", active && "text-ink")}
      >
        {children}
        <Icon aria-hidden className="size-3.5" />
      </Link>
    </TH>
  );
}
