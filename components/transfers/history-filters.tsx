"use client";

import { WalletSelect } from "@/components/transfers/wallet-select";
import { ChevronDown, Search } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { Popover } from "radix-ui";
import { useRef, useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { controlClass, Input } from "@/components/ui/input";
import { transferStatuses, type TransferStatus } from "@/lib/transfers/status";
import { cn } from "@/lib/cn";
import { statusInfo } from "@/lib/transfers/status";

/** The current view's filters as the form shows them (the page parses and validates the URL). */
export type HistoryFilterValues = {
  q: string;
  status: TransferStatus[];
  wallet: string;
  maker: string;
  from: string;
  to: string;
  min: string;
  max: string;
};

/**
 * The history's filters. A GET form on /transfers, so that the URL holds the whole view (and the form
 * works before JavaScript loads); with JavaScript, empty fields are left out of the URL, lists apply
 * at once and text fields on Enter or "Apply". Sort and page size are kept; the page goes back to 1.
 */
export function HistoryFilters({
  values,
  makers,
  keep,
  filtered,
  batch,
}: {
  values: HistoryFilterValues;
  /** Set when the view shows one batch payout's rows: kept by the form, cleared by its own link. */
  batch?: { id: number; reference: string; clearHref: string };
  makers: { id: number; name: string }[];
  /** Parameters the form does not show but keeps: sort, direction, page size. */
  keep: [name: string, value: string][];
  filtered: boolean;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [statuses, setStatuses] = useState(values.status);

  function apply(form: HTMLFormElement) {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (typeof value === "string" && value.trim() !== "") params.append(name, value.trim());
    }
    startTransition(() => router.push(params.size > 0 ? `/transfers?${params}` : "/transfers"));
  }

  const submitNow = (form: HTMLFormElement | null) => form?.requestSubmit();

  return (
    <form
      action="/transfers"
      method="get"
      role="search"
      aria-label="Filter transfers"
      aria-busy={pending}
      className="mb-4 flex flex-col gap-3 rounded-lg border border-line bg-surface p-3"
      onSubmit={(event: FormEvent<HTMLFormElement>) => {
        event.preventDefault();
        apply(event.currentTarget);
      }}
    >
      {keep.map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {batch ? (
        <p className="flex items-center gap-2 text-sm" data-testid="batch-filter">
          <input type="hidden" name="batch" value={batch.id} />
          <span>
            Rows of batch{" "}
            <Link href={`/batches/${batch.id}`} className="font-mono text-xs text-brand hover:underline">
              {batch.reference}
            </Link>
          </span>
          <Link href={batch.clearHref} className="text-xs text-ink-muted underline hover:text-ink">
            Show every transfer
          </Link>
        </p>
      ) : null}
      <div className="grid grid-cols-[minmax(0,2fr)_minmax(0,1.1fr)_minmax(0,1fr)_minmax(0,1.2fr)] items-start gap-3">
        <Field id="filter-q" label="Search">
          {(aria) => (
            <div className="relative">
              <Search aria-hidden className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-ink-faint" />
              <Input
                {...aria}
                type="search"
                name="q"
                defaultValue={values.q}
                maxLength={100}
                autoComplete="off"
                placeholder="Reference, phone or name"
                className="pl-8"
              />
            </div>
          )}
        </Field>
        <StatusPicker
          selected={statuses}
          onChange={setStatuses}
          onDone={(changed, form) => {
            if (changed) submitNow(form);
          }}
        />
        <Field id="filter-wallet" label="Wallet">
          {(aria) => (
            <WalletSelect {...aria} name="wallet" defaultValue={values.wallet} empty="All wallets" onChange={(e) => submitNow(e.currentTarget.form)} />
          )}
        </Field>
        <Field id="filter-maker" label="Made by">
          {(aria) => (
            <select {...aria} name="maker" defaultValue={values.maker} className={controlClass} onChange={(e) => submitNow(e.currentTarget.form)}>
              <option value="">Anyone</option>
              {makers.map((maker) => (
                <option key={maker.id} value={maker.id}>
                  {maker.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="grid grid-cols-[minmax(9.5rem,1fr)_minmax(9.5rem,1fr)_minmax(0,1fr)_minmax(0,1fr)_auto] items-end gap-3">
        <Field id="filter-from" label="From date (WIB)">
          {(aria) => <Input {...aria} type="date" name="from" defaultValue={values.from} />}
        </Field>
        <Field id="filter-to" label="To date (WIB)">
          {(aria) => <Input {...aria} type="date" name="to" defaultValue={values.to} />}
        </Field>
        <Field id="filter-min" label="Min amount (Rp)">
          {(aria) => <Input {...aria} name="min" inputMode="numeric" placeholder="Any" defaultValue={values.min} autoComplete="off" />}
        </Field>
        <Field id="filter-max" label="Max amount (Rp)">
          {(aria) => <Input {...aria} name="max" inputMode="numeric" placeholder="Any" defaultValue={values.max} autoComplete="off" />}
        </Field>
        <div className="flex gap-2">
          <Button type="submit" disabled={pending}>
            Apply
          </Button>
          {filtered ? (
            <Button asChild variant="ghost">
              <Link href={keep.length > 0 ? `/transfers?${new URLSearchParams(keep)}` : "/transfers"}>Clear</Link>
            </Button>
          ) : null}
        </div>
      </div>
    </form>
  );
}

/** Several statuses at once: a list of checkboxes in a popover, applied when it closes. */
function StatusPicker({
  selected,
  onChange,
  onDone,
}: {
  selected: TransferStatus[];
  onChange: (statuses: TransferStatus[]) => void;
  onDone: (changed: boolean, form: HTMLFormElement | null) => void;
}) {
  const [open, setOpen] = useState(false);
  const [before, setBefore] = useState(selected);
  const trigger = useRef<HTMLButtonElement>(null);
  const summary =
    selected.length === 0 ? "Any status" : selected.length <= 1 ? statusInfo[selected[0]!].label : `${selected.length} statuses`;

  function toggle(status: TransferStatus, on: boolean) {
    const next = new Set(selected);
    if (on) next.add(status);
    else next.delete(status);
    onChange(transferStatuses.filter((s) => next.has(s)));
  }

  return (
    <Field id="filter-status" label="Status">
      {(aria) => (
        <>
          {selected.map((status) => (
            <input key={status} type="hidden" name="status" value={status} />
          ))}
          <Popover.Root
            open={open}
            onOpenChange={(next) => {
              setOpen(next);
              if (next) setBefore(selected);
              else onDone(before.join() !== selected.join(), trigger.current?.form ?? null);
            }}
          >
            <Popover.Trigger asChild>
              <button
                ref={trigger}
                type="button"
                {...aria}
                className={cn(controlClass, "flex items-center justify-between gap-2 text-left")}
                aria-label={`Status: ${selected.map((s) => statusInfo[s].label).join(", ") || "any"}`}
                title={selected.map((s) => statusInfo[s].label).join(", ") || undefined}
              >
                <span className="truncate">{summary}</span>
                <ChevronDown aria-hidden className="size-4 shrink-0 text-ink-muted" />
              </button>
            </Popover.Trigger>
            <Popover.Portal>
              <Popover.Content align="start" sideOffset={4} className="z-50 w-60 rounded-md border border-line bg-surface p-2 shadow-lg">
                <fieldset>
                  <legend className="px-1 pb-1 text-xs font-medium text-ink-muted">Show transfers that are</legend>
                  {transferStatuses.map((status) => (
                    <label key={status} className="flex h-8 cursor-pointer items-center gap-2 rounded-sm px-1 text-sm hover:bg-canvas">
                      <input
                        type="checkbox"
                        className="size-4 accent-brand"
                        checked={selected.includes(status)}
                        onChange={(e) => toggle(status, e.currentTarget.checked)}
                      />
                      {statusInfo[status].label}
                    </label>
                  ))}
                </fieldset>
                <div className="mt-2 flex justify-between border-t border-line pt-2">
                  <Button size="sm" variant="ghost" onClick={() => onChange([])} disabled={selected.length === 0}>
                    Any status
                  </Button>
                  <Popover.Close asChild>
                    <Button size="sm">Show</Button>
                  </Popover.Close>
                </div>
              </Popover.Content>
            </Popover.Portal>
          </Popover.Root>
        </>
      )}
    </Field>
  );
}
