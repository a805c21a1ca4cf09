import { BadgeCheck, SendHorizontal } from "lucide-react";
import { useTranslations } from "next-intl";
import Link from "next/link";
import type { ReactNode } from "react";
import { useFormat } from "@/components/i18n/use-format";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { cn } from "@/lib/cn";
import { formatPhone } from "@/lib/phone-display";
import type { RecipientRow, RecipientSort } from "@/lib/recipients/service";
import { walletLabel } from "@/lib/transfers/wallets";
import { ArchiveRecipientDialog, EditRecipientDialog, type EditableRecipient } from "./recipient-dialogs";

/** What the page shows: the search, the order, and whether the archived ones (docs/recipients.md#the-list). */
export type RecipientView = { q: string; sort: RecipientSort; archived: boolean };

/** The page's address for a view, leaving out what is the default. */
export function recipientsHref({ q, sort, archived }: RecipientView): string {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (sort !== "lastPaid") params.set("sort", sort);
  if (archived) params.set("archived", "1");
  return params.size > 0 ? `/recipients?${params}` : "/recipients";
}

/**
 * The search box (a plain GET form: it works before JavaScript loads), which recipients (in use or archived) and the
 * order, all kept in the URL.
 */
export function RecipientToolbar({ view }: { view: RecipientView }) {
  const t = useTranslations("recipients");
  return (
    <div className="mb-4 flex flex-col gap-3 rounded-lg border border-line bg-surface p-3 md:flex-row md:items-end md:justify-between">
      <form action="/recipients" method="get" role="search" aria-label={t("search.form")} className="flex min-w-0 items-end gap-2 md:w-96">
        {view.sort !== "lastPaid" ? <input type="hidden" name="sort" value={view.sort} /> : null}
        {view.archived ? <input type="hidden" name="archived" value="1" /> : null}
        <Field id="recipients-q" label={t("search.label")} className="min-w-0 flex-1">
          {(aria) => <Input {...aria} type="search" name="q" defaultValue={view.q} maxLength={100} placeholder={t("search.placeholder")} />}
        </Field>
        <Button type="submit" variant="secondary">
          {t("search.submit")}
        </Button>
      </form>
      <div className="flex flex-wrap items-center gap-x-5 gap-y-2 text-sm">
        <Choice label={t("view.label")}>
          <ChoiceLink href={recipientsHref({ ...view, archived: false })} current={!view.archived}>
            {t("view.inUse")}
          </ChoiceLink>
          <ChoiceLink href={recipientsHref({ ...view, archived: true })} current={view.archived}>
            {t("view.archived")}
          </ChoiceLink>
        </Choice>
        <Choice label={t("sort.by")}>
          <ChoiceLink href={recipientsHref({ ...view, sort: "lastPaid" })} current={view.sort === "lastPaid"}>
            {t("sort.lastPaid")}
          </ChoiceLink>
          <ChoiceLink href={recipientsHref({ ...view, sort: "label" })} current={view.sort === "label"}>
            {t("sort.label")}
          </ChoiceLink>
        </Choice>
      </div>
    </div>
  );
}

function Choice({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-center gap-2">
      <span className="text-xs text-ink-muted">{label}</span>
      <div role="group" aria-label={label} className="flex rounded-md border border-line-strong p-0.5">
        {children}
      </div>
    </div>
  );
}

function ChoiceLink({ href, current, children }: { href: string; current: boolean; children: ReactNode }) {
  return (
    <Link
      href={href}
      aria-current={current ? "true" : undefined}
      className={cn("inline-flex h-7 items-center gap-1 rounded px-2.5 text-xs font-medium", current ? "bg-brand-soft text-brand-strong" : "text-ink-muted hover:bg-canvas hover:text-ink")}
    >
      {children}
    </Link>
  );
}

function editable(row: RecipientRow): EditableRecipient {
  const { id, label, wallet, phone, ownerName, defaultAmount, defaultMemo } = row;
  return { id, label, wallet, phone, ownerName, defaultAmount, defaultMemo };
}

/**
 * The recipients, one card each on a phone and a table from `md` up (docs/language.md#phones): label, the owner's name a
 * look-up verified, e-wallet and number, default amount and memo, when last paid; Pay, Edit and Archive for those in use.
 */
export function RecipientList({ rows, archived }: { rows: RecipientRow[]; archived: boolean }) {
  const t = useTranslations("recipients");
  const format = useFormat();
  const lastPaid = (row: RecipientRow) => (row.lastPaidAt ? format.dateTime(row.lastPaidAt) : t("neverPaid"));
  return (
    <>
      <ul aria-label={t("list")} className="flex flex-col gap-2 md:hidden">
        {rows.map((row) => (
          <li key={row.id} className="rounded-lg border border-line bg-surface p-3 text-sm" data-testid={`recipient-card-${row.id}`}>
            <div className="flex items-start justify-between gap-3">
              <div className="min-w-0">
                <p className="font-semibold break-words">{row.label}</p>
                <Owner row={row} />
              </div>
              {row.defaultAmount !== null ? <p className="shrink-0 font-semibold whitespace-nowrap tabular-nums">{format.rupiah(row.defaultAmount)}</p> : null}
            </div>
            {row.defaultMemo ? <p className="mt-1 text-xs break-words">{t("memo", { memo: row.defaultMemo })}</p> : null}
            <dl className="mt-2 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-0.5 text-xs">
              <dt className="text-ink-muted">{t("columns.lastPaid")}</dt>
              <dd>{lastPaid(row)}</dd>
              {row.archivedAt ? (
                <>
                  <dt className="text-ink-muted">{t("view.archived")}</dt>
                  <dd>{format.dateTime(row.archivedAt)}</dd>
                </>
              ) : null}
            </dl>
            <p className="mt-0.5 text-xs break-words text-ink-muted">{t("savedBy", { name: row.createdByName })}</p>
            {archived ? null : <Actions row={row} className="mt-3" />}
          </li>
        ))}
      </ul>
      <div className="hidden md:block">
        <Table>
          <caption className="sr-only">{t("list")}</caption>
          <THead>
            <tr>
              <TH>{t("columns.label")}</TH>
              <TH>{t("columns.owner")}</TH>
              <TH>{t("columns.defaults")}</TH>
              <TH>{archived ? t("view.archived") : t("columns.lastPaid")}</TH>
              {archived ? null : <TH className="text-right">{t("columns.actions")}</TH>}
            </tr>
          </THead>
          <TBody>
            {rows.map((row) => (
              <TR key={row.id} data-testid={`recipient-row-${row.id}`}>
                <TD className="max-w-56 py-2">
                  <p className="font-medium break-words">{row.label}</p>
                  <p className="text-xs break-words text-ink-muted">{t("savedBy", { name: row.createdByName })}</p>
                </TD>
                <TD className="min-w-44 py-2">
                  <Owner row={row} />
                </TD>
                <TD className="max-w-56 py-2">
                  {row.defaultAmount !== null ? (
                    <p className="font-medium whitespace-nowrap tabular-nums">{format.rupiah(row.defaultAmount)}</p>
                  ) : (
                    <p className="text-xs text-ink-muted">{t("noDefaultAmount")}</p>
                  )}
                  {row.defaultMemo ? <p className="text-xs break-words">{t("memo", { memo: row.defaultMemo })}</p> : null}
                </TD>
                <TD className="py-2 text-xs whitespace-nowrap">
                  <When at={row.archivedAt ?? row.lastPaidAt} />
                </TD>
                {archived ? null : (
                  <TD className="py-2">
                    <Actions row={row} className="flex-nowrap justify-end" />
                  </TD>
                )}
              </TR>
            ))}
          </TBody>
        </Table>
      </div>
    </>
  );
}

/** A day and, below it, the time: the table's last paid (or archived) column stays narrow. */
function When({ at }: { at: Date | null }) {
  const t = useTranslations("recipients");
  const format = useFormat();
  if (!at) return <p className="text-ink-muted">{t("neverPaid")}</p>;
  return (
    <>
      <p>{format.date(at)}</p>
      <p className="text-ink-muted">{format.time(at)}</p>
    </>
  );
}

/** The owner's name as the look-up gave it when saved (or last re-verified), then the e-wallet and number. */
function Owner({ row }: { row: RecipientRow }) {
  const t = useTranslations("recipients");
  const format = useFormat();
  return (
    <>
      <p className="flex items-center gap-1 font-medium break-words" data-testid="recipient-owner">
        <BadgeCheck aria-hidden className="size-4 shrink-0 text-ok" />
        {row.ownerName}
      </p>
      <p className="text-xs whitespace-nowrap text-ink-muted">
        {walletLabel[row.wallet]} · {formatPhone(row.phone)}
      </p>
      <p className="text-xs text-ink-muted">{t("verified", { date: format.date(row.verifiedAt) })}</p>
    </>
  );
}

function Actions({ row, className }: { row: RecipientRow; className?: string }) {
  const t = useTranslations("recipients");
  return (
    <div className={cn("flex flex-wrap items-center gap-1.5", className)}>
      <Button asChild size="sm">
        <Link href={`/transfers/new?recipient=${row.id}`} aria-label={t("pay.label", { label: row.label })}>
          <SendHorizontal aria-hidden />
          {t("pay.button")}
        </Link>
      </Button>
      <EditRecipientDialog recipient={editable(row)} />
      <ArchiveRecipientDialog recipient={{ id: row.id, label: row.label }} />
    </div>
  );
}
