"use client";

import { useLocale, useTranslations } from "next-intl";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useFormat } from "@/components/i18n/use-format";
import { Badge } from "@/components/ui/badge";
import { WALLETS } from "@/lib/cashin/protocol";
import type { DashboardFigures, TopRecipient } from "@/lib/dashboard/figures";
import type { Outcome } from "@/lib/dashboard/outcomes";
import { jakartaDayStart } from "@/lib/jakarta";
import { walletLabel } from "@/lib/transfers/wallets";
import { chartNumbers } from "./chart-numbers";

/*
 * Each dashboard figure as a table, under "Show as table" (docs/dashboard.md#charts-and-tables): what a screen reader
 * or a person who wants the numbers reads. A table is drawn in the browser when its disclosure is first opened, from
 * the figures the page carries: a closed <details> hides its content from everyone, assistive technology included, and
 * rendered on the server for every visit the three tables were a third of the overview's bytes and a fifth of its time.
 */

/**
 * The data cells' classes, set once on the table (`cells`; the volume's has 186 cells), not on each cell.
 */
const cells = "[&_td]:h-9 [&_td]:px-3 [&_td]:align-middle [&_td]:whitespace-nowrap [&_td]:tabular-nums";

function TableFallback({ show, caption, className, table }: { show: string; caption: string; className?: string; table: () => ReactNode }) {
  const [opened, setOpened] = useState(false);
  const details = useRef<HTMLDetailsElement>(null);
  // Opened before the page's scripts ran (the browser opens a <details> by itself): drawn as soon as they run.
  useEffect(() => {
    if (details.current?.open) setOpened(true);
  }, []);
  return (
    <details ref={details} className="group mt-3 text-sm" onToggle={(event) => event.currentTarget.open && setOpened(true)}>
      <summary className="inline-flex min-h-6 cursor-pointer items-center text-xs font-medium text-brand hover:underline">{show}</summary>
      {opened ? (
        <div role="region" aria-label={caption} tabIndex={0} className="mt-2 overflow-x-auto rounded-md border border-line">
          <table className={`w-full border-collapse text-sm ${cells} ${className ?? ""}`}>
            <caption className="sr-only">{caption}</caption>
            {table()}
          </table>
        </div>
      ) : null}
    </details>
  );
}

const th = "h-9 border-b border-line bg-canvas px-3 text-left text-xs font-medium whitespace-nowrap text-ink-muted";
/** A row's header cell, styled as the data cells. */
const td = "h-9 px-3 align-middle whitespace-nowrap tabular-nums";

/** The column headers: amounts and counts (`right`) line up at the right. */
function Head({ columns }: { columns: { label: string; right?: boolean }[] }) {
  return (
    <thead>
      <tr>
        {columns.map(({ label, right }) => (
          <th key={label} scope="col" className={right ? `${th} text-right` : th}>
            {label}
          </th>
        ))}
      </tr>
    </thead>
  );
}

export function VolumeTable({ volume, show }: { volume: DashboardFigures["volume"]; show: string }) {
  const t = useTranslations("dashboard.volume");
  const format = useFormat();
  const cell = (tally: { count: number; total: number }, strong?: boolean, key?: string) => (
    <td key={key} className={strong ? "text-right font-semibold" : "text-right"}>
      {format.rupiah(tally.total)}
      <span>{t("transfers", { count: tally.count })}</span>
    </td>
  );
  return (
    <TableFallback
      show={show}
      caption={t("caption")}
      className="[&_td>span]:block [&_td>span]:text-xs [&_td>span]:font-normal [&_td>span]:text-ink-muted"
      table={() => (
        <>
          <Head columns={[{ label: t("day") }, ...WALLETS.map((wallet) => ({ label: walletLabel[wallet], right: true })), { label: t("total"), right: true }]} />
          <tbody className="divide-y divide-line">
            {volume.days.map((day) => (
              <tr key={day.day} data-day={day.day}>
                <th scope="row" className={`${td} text-left font-normal`}>
                  {format.date(jakartaDayStart(day.day))}
                </th>
                {WALLETS.map((wallet) => cell(day.byWallet[wallet], false, wallet))}
                {cell(day, true)}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="border-t border-line-strong">
              <th scope="row" className={`${td} text-left`}>
                {t("allDays")}
              </th>
              {WALLETS.map((wallet) => cell(volume.byWallet[wallet], true, wallet))}
              {cell(volume, true)}
            </tr>
          </tfoot>
        </>
      )}
    />
  );
}

export function OutcomeTable({ parts, total, show }: { parts: { outcome: Outcome; count: number; ratio: number }[]; total: number; show: string }) {
  const t = useTranslations("dashboard.outcomes");
  const format = useFormat();
  const numbers = chartNumbers(useLocale());
  return (
    <TableFallback
      show={show}
      caption={t("caption")}
      table={() => (
        <>
          <Head columns={[{ label: t("outcome") }, { label: t("transfers"), right: true }, { label: t("share"), right: true }]} />
          <tbody className="divide-y divide-line">
            {parts.map((part) => (
              <tr key={part.outcome} data-outcome={part.outcome}>
                <th scope="row" className={`${td} text-left font-normal whitespace-normal`}>
                  {t(part.outcome)}
                </th>
                <td className="text-right">{format.number(part.count)}</td>
                <td className="text-right">{numbers.percent(part.ratio)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="border-t border-line-strong font-semibold">
              <th scope="row" className={`${td} text-left`}>
                {t("total")}
              </th>
              <td className="text-right">{format.number(total)}</td>
              <td className="text-right">{numbers.percent(total > 0 ? 1 : 0)}</td>
            </tr>
          </tfoot>
        </>
      )}
    />
  );
}

/**
 * A top recipient's line as the table shows it: the name it is shown by (told apart when two lines share one), its key,
 * and the number already written for people (libphonenumber stays out of the page's script); no ids.
 */
export type TopRecipientLine = Pick<TopRecipient, "label" | "ownerName" | "wallet" | "count" | "total"> & { key: string; name: string; phoneText: string };

export function TopRecipientsTable({ recipients, show }: { recipients: TopRecipientLine[]; show: string }) {
  const t = useTranslations("dashboard.top");
  const format = useFormat();
  return (
    <TableFallback
      show={show}
      caption={t("caption")}
      table={() => (
        <>
          <Head columns={[{ label: t("recipient") }, { label: t("wallet") }, { label: t("transfers"), right: true }, { label: t("paid"), right: true }]} />
          <tbody className="divide-y divide-line">
            {recipients.map((recipient) => (
              <tr key={recipient.key}>
                <th scope="row" className={`${td} text-left font-normal`}>
                  <span className="font-medium">{recipient.name}</span>
                  {recipient.label !== null ? (
                    <Badge tone="brand" className="ml-2">
                      {t("saved")}
                    </Badge>
                  ) : null}
                  {recipient.label !== null && recipient.label !== recipient.ownerName ? (
                    <span className="block text-xs text-ink-muted">{recipient.ownerName}</span>
                  ) : null}
                </th>
                <td>
                  {walletLabel[recipient.wallet]}
                  <span className="block font-mono text-xs text-ink-muted">{recipient.phoneText}</span>
                </td>
                <td className="text-right">{format.number(recipient.count)}</td>
                <td className="text-right font-semibold">{format.rupiah(recipient.total)}</td>
              </tr>
            ))}
          </tbody>
        </>
      )}
    />
  );
}
