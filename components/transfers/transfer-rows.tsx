"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { useFormat } from "@/components/i18n/use-format";
import { cn } from "@/lib/cn";
import type { HistoryRow } from "@/lib/transfers/history";
import { isUnsettledAtGateway } from "@/lib/transfers/status";
import { walletLabel } from "@/lib/transfers/wallets";
import { RefreshStatusButton } from "./refresh-buttons";
import { StatusBadge } from "./status-badge";

/**
 * The transfers table's rows (history-table.tsx), a client component: the page sends each row's data (about 300
 * bytes) and the rows are rendered from it, on the server for the page's HTML and in the browser when it hydrates.
 * As a server component each row also travelled as its rendered tree (about 2 KB), which the server built, wrote into
 * the page and read back to make the HTML: 50 rows were two thirds of the history page's bytes. Only what is shown is
 * sent (TransferRowData: no maker's id, the number already written for people).
 * The rows' and cells' shared classes are set once, on the table body (`*:` is each row, `[&_td]` each cell): written
 * on every row they were a sixth of the page.
 */
export type TransferRowData = Omit<HistoryRow, "makerId" | "phone"> & {
  /** The wallet's number as people write it (`0812-3456-7890`), written on the server: libphonenumber stays out of the page's script. */
  phoneText: string;
};

export function TransferRows({ rows }: { rows: TransferRowData[] }) {
  const t = useTranslations("history.table");
  const format = useFormat();
  const label = (text: string) => <span className="inline-block w-24 text-ink-muted md:hidden">{text}</span>;
  return (
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
              {walletLabel[row.wallet]} · <span className="whitespace-nowrap">{row.phoneText}</span>
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
  );
}
