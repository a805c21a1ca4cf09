"use client";

import { WalletSelect } from "@/components/transfers/wallet-select";
import { Pencil, Trash2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useForm, type Resolver } from "react-hook-form";
import { StatusBadge } from "@/components/transfers/status-badge";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { useAction } from "@/components/ui/use-action";
import type { BatchRowItem } from "@/lib/batches/queries";
import { validateBatchRow } from "@/lib/batches/parse";
import { walletLabel } from "@/lib/transfers/wallets";
import { useServerActions } from "@/components/server-actions";
import { useFormat } from "@/components/i18n/use-format";
import { cn } from "@/lib/cn";
import { formatPhone } from "@/lib/phone-display";
import { storedText } from "@/lib/i18n/stored";

/** A batch's rows in file order: the owner's name or why the row needs attention, and after submit its transfer. */
export function BatchRows({ batchId, rows, editable, duplicatesAccepted }: { batchId: number; rows: BatchRowItem[]; editable: boolean; duplicatesAccepted: boolean }) {
  const t = useTranslations("batchRows");
  const hintId = `batch-${batchId}-line-hint`;
  return (
    <>
      <p id={hintId} className="mb-2 text-xs text-ink-muted">
        {t("lineHint")}
      </p>
      {/* Below md, one card per row; from md up, the table. */}
      <ul aria-label={t("table")} aria-describedby={hintId} className="flex flex-col gap-2 md:hidden">
        {rows.map((row) => (
          <RowCard key={row.id} row={row} batchId={batchId} editable={editable} duplicatesAccepted={duplicatesAccepted} />
        ))}
      </ul>
      <div className="hidden md:block">
        <Table aria-label={t("table")} aria-describedby={hintId}>
          <THead>
            <tr>
              <TH className="w-14 text-right">{t("columns.line")}</TH>
              <TH>{t("columns.recipient")}</TH>
              <TH>{t("columns.walletPhone")}</TH>
              <TH className="text-right">{t("columns.amount")}</TH>
              <TH>{t("columns.note")}</TH>
              <TH>{t("columns.status")}</TH>
              {editable ? <TH className="text-right">{t("columns.edit")}</TH> : null}
            </tr>
          </THead>
          <TBody>
            {rows.map((row) => (
              <RowView key={row.id} row={row} batchId={batchId} editable={editable} duplicatesAccepted={duplicatesAccepted} />
            ))}
          </TBody>
        </Table>
      </div>
    </>
  );
}

function needsAttention(row: BatchRowItem, duplicatesAccepted = false) {
  return row.state === "invalid" || row.state === "unconfirmed" || ((row.duplicateOfLine !== null || row.nearDuplicate !== null) && !duplicatesAccepted);
}

/** The owner's name, or why the row needs attention: the same in the table and on a card. */
function RowRecipient({ row, duplicatesAccepted }: { row: BatchRowItem; duplicatesAccepted: boolean }) {
  const t = useTranslations("batchRows");
  const locale = useLocale();
  return (
    <>
      {row.ownerName ? (
        <p className="font-medium break-words" data-testid="owner-name">
          {row.ownerName}
        </p>
      ) : null}
      {row.problem && row.state !== "ok" ? (
        <p className="text-xs break-words text-danger" data-testid="row-problem">
          {storedText(row.problem, locale)}
        </p>
      ) : null}
      {row.duplicateOfLine !== null && row.state !== "removed" ? (
        <p className="text-xs text-warn">{t(duplicatesAccepted ? "repeatsAccepted" : "repeats", { line: row.duplicateOfLine })}</p>
      ) : null}
      {row.nearDuplicate !== null && row.state !== "removed" ? (
        <p className="text-xs text-warn" data-testid="row-near-duplicate">
          {t.rich(duplicatesAccepted ? "paidRecentlyAccepted" : "paidRecently", {
            reference: row.nearDuplicate.reference,
            link: (chunks) => (
              <Link href={`/transfers/${row.nearDuplicate!.id}`} prefetch={false} target="_blank" className="font-mono break-all hover:underline">
                {chunks}
              </Link>
            ),
          })}
        </p>
      ) : null}
      {row.state === "pending" ? <p className="text-xs text-ink-muted">{t("lookingUp")}</p> : null}
    </>
  );
}

function RowWallet({ row }: { row: BatchRowItem }) {
  return (
    <>
      <p>{row.wallet ? walletLabel[row.wallet] : <span className="break-all text-danger">{row.rawWallet || "—"}</span>}</p>
      <p className="text-xs break-all text-ink-muted">{row.phone ? formatPhone(row.phone) : row.rawPhone}</p>
    </>
  );
}

function RowAmount({ row }: { row: BatchRowItem }) {
  const format = useFormat();
  return row.amount !== null ? format.rupiah(row.amount) : <span className="break-all text-danger">{row.rawAmount || "—"}</span>;
}

function RowView({ row, batchId, editable, duplicatesAccepted }: { row: BatchRowItem; batchId: number; editable: boolean; duplicatesAccepted: boolean }) {
  const attention = needsAttention(row, duplicatesAccepted) && row.state !== "removed";
  return (
    <TR data-testid={`batch-row-${row.line}`} data-state={row.state} className={attention ? "bg-danger-soft/40" : undefined}>
      <TD className="text-right font-mono text-xs text-ink-muted">{row.line}</TD>
      <TD className="max-w-72 py-1.5">
        <RowRecipient row={row} duplicatesAccepted={duplicatesAccepted} />
      </TD>
      <TD className="whitespace-nowrap">
        <RowWallet row={row} />
      </TD>
      <TD className="text-right whitespace-nowrap tabular-nums">
        <RowAmount row={row} />
      </TD>
      <TD className="max-w-48 truncate text-xs text-ink-muted" title={row.note ?? undefined}>
        {row.note}
      </TD>
      <TD>
        <RowStatus row={row} />
      </TD>
      {editable ? (
        <TD className="text-right whitespace-nowrap">
          {row.state === "removed" ? null : (
            <div className="flex justify-end gap-1">
              <EditRow row={row} batchId={batchId} />
              <RemoveRow row={row} batchId={batchId} />
            </div>
          )}
        </TD>
      ) : null}
    </TR>
  );
}

/** One row as a card, for phones: its line, status, recipient, wallet and amount, note and actions. */
function RowCard({ row, batchId, editable, duplicatesAccepted }: { row: BatchRowItem; batchId: number; editable: boolean; duplicatesAccepted: boolean }) {
  const t = useTranslations("batchRows");
  const attention = needsAttention(row, duplicatesAccepted) && row.state !== "removed";
  return (
    <li
      data-testid={`batch-card-${row.line}`}
      data-state={row.state}
      className={cn("rounded-lg border border-line bg-surface px-4 py-3 text-sm", attention && "border-danger/30 bg-danger-soft/40")}
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <p className="font-mono text-xs text-ink-muted">{t("line", { line: row.line })}</p>
        <RowStatus row={row} />
      </div>
      <div className="mt-1 min-w-0">
        <RowRecipient row={row} duplicatesAccepted={duplicatesAccepted} />
      </div>
      <dl className="mt-2 grid grid-cols-2 gap-x-3 gap-y-1">
        <div className="min-w-0">
          <dt className="text-xs text-ink-muted">{t("columns.walletPhone")}</dt>
          <dd>
            <RowWallet row={row} />
          </dd>
        </div>
        <div className="min-w-0 text-right">
          <dt className="text-xs text-ink-muted">{t("columns.amount")}</dt>
          <dd className="tabular-nums">
            <RowAmount row={row} />
          </dd>
        </div>
        {row.note ? (
          <div className="col-span-2 min-w-0">
            <dt className="text-xs text-ink-muted">{t("columns.note")}</dt>
            <dd className="text-xs break-words text-ink-muted">{row.note}</dd>
          </div>
        ) : null}
      </dl>
      {editable && row.state !== "removed" ? (
        <div className="mt-2 flex flex-wrap justify-end gap-1">
          <EditRow row={row} batchId={batchId} />
          <RemoveRow row={row} batchId={batchId} />
        </div>
      ) : null}
    </li>
  );
}

function RowStatus({ row }: { row: BatchRowItem }) {
  const t = useTranslations("batchRows.state");
  if (row.transferStatus && row.transferId) {
    return (
      <div className="flex flex-col items-start gap-0.5">
        <StatusBadge status={row.transferStatus} data-testid="row-status" />
        <Link href={`/transfers/${row.transferId}`} prefetch={false} className="py-1 font-mono text-[11px] break-all text-brand hover:underline">
          {row.transferReference}
        </Link>
        {row.transferStatus === "failed" && row.outcome ? <p className="max-w-56 text-xs text-ink-muted">{row.outcome}</p> : null}
      </div>
    );
  }
  const tones: Record<BatchRowItem["state"], "info" | "ok" | "warn" | "danger" | "neutral"> = {
    pending: "info",
    ok: row.duplicateOfLine !== null || row.nearDuplicate !== null ? "warn" : "ok",
    invalid: "danger",
    unconfirmed: "danger",
    removed: "neutral",
  };
  const label = row.state === "ok" && (row.duplicateOfLine !== null || row.nearDuplicate !== null) ? t("repeated") : t(row.state);
  return (
    <Badge tone={tones[row.state]} data-testid="row-status">
      {label}
    </Badge>
  );
}

type RowForm = { wallet: string; phone: string; amount: string; note: string };

/** The same rules as a row of the file, checked as the person types, so only a valid row is saved. */
const rowResolver: Resolver<RowForm> = async (values) => {
  const { value, problems } = validateBatchRow(values);
  if (value) return { values, errors: {} };
  const errors = Object.fromEntries(
    Object.entries(problems).map(([field, message]) => [field === "row" ? "root" : field, { type: "validate", message }]),
  );
  return { values: {}, errors };
};

function EditRow({ row, batchId }: { row: BatchRowItem; batchId: number }) {
  const actions = useServerActions();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { pending, run } = useAction();
  const t = useTranslations("batchRows");
  const common = useTranslations("common");
  const locale = useLocale();
  const form = useForm<RowForm>({
    resolver: rowResolver,
    defaultValues: { wallet: row.wallet ?? row.rawWallet, phone: row.phone ? formatPhone(row.phone) : row.rawPhone, amount: row.amount !== null ? String(row.amount) : row.rawAmount, note: row.note ?? "" },
  });
  const { errors } = form.formState;
  const save = form.handleSubmit((values) =>
    run(
      () => actions.editBatchRow({ batchId, rowId: row.id, ...values }),
      (result) => {
        if (result.ok) {
          setOpen(false);
          router.refresh();
        }
      },
    ),
  );
  const attention = needsAttention(row);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Button size="sm" variant={attention ? "secondary" : "ghost"} onClick={() => setOpen(true)} aria-haspopup="dialog" aria-label={t("editLine", { line: row.line })}>
        <Pencil aria-hidden />
        {t("edit")}
      </Button>
      <DialogContent title={t("line", { line: row.line })} description={row.problem ? storedText(row.problem, locale) : t("editDescription")}>
        <form onSubmit={save} className="grid grid-cols-1 gap-3 sm:grid-cols-2" noValidate>
          <Field id={`row-${row.id}-wallet`} label={t("wallet")} error={errors.wallet?.message}>
            {(aria) => (
              <WalletSelect {...aria} {...form.register("wallet")} current={form.getValues("wallet")} />
            )}
          </Field>
          <Field id={`row-${row.id}-phone`} label={t("phone")} error={errors.phone?.message}>
            {(aria) => <Input {...aria} {...form.register("phone")} inputMode="tel" autoComplete="off" />}
          </Field>
          <Field id={`row-${row.id}-amount`} label={t("amount")} error={errors.amount?.message}>
            {(aria) => <Input {...aria} {...form.register("amount")} inputMode="numeric" autoComplete="off" />}
          </Field>
          <Field id={`row-${row.id}-note`} label={t("note")} error={errors.note?.message}>
            {(aria) => <Input {...aria} {...form.register("note")} maxLength={100} autoComplete="off" />}
          </Field>
          <DialogFooter className="sm:col-span-2">
            <DialogClose asChild>
              <Button variant="secondary">{common("cancel")}</Button>
            </DialogClose>
            <Button type="submit" disabled={pending}>
              {pending ? t("saving") : t("save")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function RemoveRow({ row, batchId }: { row: BatchRowItem; batchId: number }) {
  const actions = useServerActions();
  const router = useRouter();
  const { pending, run } = useAction();
  const t = useTranslations("batchRows");
  return (
    <Button
      size="sm"
      variant="ghost"
      disabled={pending}
      aria-label={t("removeLine", { line: row.line })}
      title={t("removeTitle")}
      onClick={() => run(() => actions.removeBatchRows({ batchId, rowIds: [row.id] }), () => router.refresh())}
    >
      <Trash2 aria-hidden />
    </Button>
  );
}
