"use client";

import { WalletSelect } from "@/components/transfers/wallet-select";
import { Pencil, Trash2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
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
import { formatRupiah } from "@/lib/format";
import { useServerActions } from "@/components/server-actions";

/** A batch's rows in file order: the owner's name or why the row needs attention, and after submit its transfer. */
export function BatchRows({ batchId, rows, editable, duplicatesAccepted }: { batchId: number; rows: BatchRowItem[]; editable: boolean; duplicatesAccepted: boolean }) {
  return (
    <Table aria-label="Rows of the batch">
      <THead>
        <tr>
          <TH className="w-14 text-right">Line</TH>
          <TH>Recipient</TH>
          <TH>E-wallet · phone</TH>
          <TH className="text-right">Amount</TH>
          <TH>Note</TH>
          <TH>Status</TH>
          {editable ? <TH className="text-right">Fix</TH> : null}
        </tr>
      </THead>
      <TBody>
        {rows.map((row) => (
          <RowView key={row.id} row={row} batchId={batchId} editable={editable} duplicatesAccepted={duplicatesAccepted} />
        ))}
      </TBody>
    </Table>
  );
}

function needsAttention(row: BatchRowItem, duplicatesAccepted = false) {
  return row.state === "invalid" || row.state === "unconfirmed" || ((row.duplicateOfLine !== null || row.nearDuplicate !== null) && !duplicatesAccepted);
}

function RowView({ row, batchId, editable, duplicatesAccepted }: { row: BatchRowItem; batchId: number; editable: boolean; duplicatesAccepted: boolean }) {
  const attention = needsAttention(row, duplicatesAccepted) && row.state !== "removed";
  return (
    <TR data-testid={`batch-row-${row.line}`} data-state={row.state} className={attention ? "bg-danger-soft/40" : undefined}>
      <TD className="text-right font-mono text-xs text-ink-muted">{row.line}</TD>
      <TD className="max-w-72 py-1.5">
        {row.ownerName ? <p className="font-medium" data-testid="owner-name">{row.ownerName}</p> : null}
        {row.problem && row.state !== "ok" ? (
          <p className="text-xs text-danger" data-testid="row-problem">
            {row.problem}
          </p>
        ) : null}
        {row.duplicateOfLine !== null && row.state !== "removed" ? (
          <p className="text-xs text-warn">
            Repeats line {row.duplicateOfLine}: same e-wallet, phone and amount{duplicatesAccepted ? " (accepted by the maker)" : ""}.
          </p>
        ) : null}
        {row.nearDuplicate !== null && row.state !== "removed" ? (
          <p className="text-xs text-warn" data-testid="row-near-duplicate">
            Paid recently:{" "}
            <Link href={`/transfers/${row.nearDuplicate.id}`} target="_blank" className="font-mono hover:underline">
              {row.nearDuplicate.reference}
            </Link>{" "}
            has the same e-wallet, phone and amount{duplicatesAccepted ? " (accepted by the maker)" : ""}.
          </p>
        ) : null}
        {row.state === "pending" ? <p className="text-xs text-ink-muted">Looking up…</p> : null}
      </TD>
      <TD className="whitespace-nowrap">
        <p>{row.wallet ? walletLabel[row.wallet] : <span className="text-danger">{row.rawWallet || "—"}</span>}</p>
        <p className="text-xs text-ink-muted">{row.phone ?? row.rawPhone}</p>
      </TD>
      <TD className="text-right whitespace-nowrap tabular-nums">{row.amount !== null ? formatRupiah(row.amount) : <span className="text-danger">{row.rawAmount || "—"}</span>}</TD>
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

function RowStatus({ row }: { row: BatchRowItem }) {
  if (row.transferStatus && row.transferId) {
    return (
      <div className="flex flex-col items-start gap-0.5">
        <StatusBadge status={row.transferStatus} data-testid="row-status" />
        <Link href={`/transfers/${row.transferId}`} className="font-mono text-[11px] text-brand hover:underline">
          {row.transferReference}
        </Link>
        {row.transferStatus === "failed" && row.outcome ? <p className="max-w-56 text-xs text-ink-muted">{row.outcome}</p> : null}
      </div>
    );
  }
  const badge: Record<BatchRowItem["state"], { tone: "info" | "ok" | "warn" | "danger" | "neutral"; label: string }> = {
    pending: { tone: "info", label: "Checking" },
    ok: row.duplicateOfLine !== null || row.nearDuplicate !== null ? { tone: "warn", label: "Repeated" } : { tone: "ok", label: "Confirmed" },
    invalid: { tone: "danger", label: "Needs fixing" },
    unconfirmed: { tone: "danger", label: "Not confirmed" },
    removed: { tone: "neutral", label: "Removed" },
  };
  const { tone, label } = badge[row.state];
  return (
    <Badge tone={tone} data-testid="row-status">
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
  const form = useForm<RowForm>({
    resolver: rowResolver,
    defaultValues: { wallet: row.wallet ?? row.rawWallet, phone: row.phone ?? row.rawPhone, amount: row.amount !== null ? String(row.amount) : row.rawAmount, note: row.note ?? "" },
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
      <Button size="sm" variant={attention ? "secondary" : "ghost"} onClick={() => setOpen(true)} aria-haspopup="dialog" aria-label={`Edit line ${row.line}`}>
        <Pencil aria-hidden />
        {attention ? "Fix" : "Edit"}
      </Button>
      <DialogContent title={`Line ${row.line}`} description={row.problem ?? "Change the row; the wallet is looked up again when you save."}>
        <form onSubmit={save} className="grid grid-cols-2 gap-3" noValidate>
          <Field id={`row-${row.id}-wallet`} label="E-wallet" error={errors.wallet?.message}>
            {(aria) => (
              <WalletSelect {...aria} {...form.register("wallet")} current={form.getValues("wallet")} />
            )}
          </Field>
          <Field id={`row-${row.id}-phone`} label="Phone" error={errors.phone?.message}>
            {(aria) => <Input {...aria} {...form.register("phone")} inputMode="tel" autoComplete="off" />}
          </Field>
          <Field id={`row-${row.id}-amount`} label="Amount (Rp)" error={errors.amount?.message}>
            {(aria) => <Input {...aria} {...form.register("amount")} inputMode="numeric" autoComplete="off" />}
          </Field>
          <Field id={`row-${row.id}-note`} label="Note (optional)" error={errors.note?.message}>
            {(aria) => <Input {...aria} {...form.register("note")} maxLength={100} autoComplete="off" />}
          </Field>
          <DialogFooter className="col-span-2">
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button type="submit" disabled={pending}>
              {pending ? "Saving…" : "Save and check again"}
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
  return (
    <Button
      size="sm"
      variant="ghost"
      disabled={pending}
      aria-label={`Remove line ${row.line}`}
      title="Remove this row from the batch"
      onClick={() => run(() => actions.removeBatchRows({ batchId, rowIds: [row.id] }), () => router.refresh())}
    >
      <Trash2 aria-hidden />
    </Button>
  );
}
