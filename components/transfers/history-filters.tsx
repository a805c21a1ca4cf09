"use client";

import { WalletSelect } from "@/components/transfers/wallet-select";
import { ChevronDown, Search } from "lucide-react";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { Popover } from "radix-ui";
import { useRef, useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { controlClass, Input } from "@/components/ui/input";
import { transferStatuses, type TransferStatus } from "@/lib/transfers/status";
import { cn } from "@/lib/cn";
import { calendarDayFromText, dayText } from "@/lib/jakarta";

/** The current view's filters as the form shows them (the page parses and validates the URL). */
export type HistoryFilterValues = {
  q: string;
  status: TransferStatus[];
  /** Only the rows of scheduled batches, not sent yet (docs/batches.md#scheduled-batches). */
  scheduled: boolean;
  wallet: string;
  maker: string;
  /** `yyyy-mm-dd`, as the URL carries it; the field shows `dd/mm/yyyy`. */
  from: string;
  to: string;
  min: string;
  max: string;
};

type DateField = "from" | "to";

/**
 * The history's filters. A GET form on /transfers, so that the URL holds the whole view (and the form
 * works before JavaScript loads); with JavaScript, empty fields are left out of the URL, lists apply
 * at once and text fields on Enter or "Apply". Sort and page size are kept; the page goes back to 1.
 * Dates are typed as dd/mm/yyyy in both languages (a native date picker follows the browser's locale,
 * often mm/dd/yyyy); yyyy-mm-dd is accepted too, and the URL carries yyyy-mm-dd.
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
  const t = useTranslations("history.filters");
  const wallets = useTranslations("wallets");
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [statuses, setStatuses] = useState(values.status);
  const [scheduled, setScheduled] = useState(values.scheduled);
  const [dateErrors, setDateErrors] = useState<Partial<Record<DateField, string>>>({});

  function apply(form: HTMLFormElement) {
    const params = new URLSearchParams();
    const errors: Partial<Record<DateField, string>> = {};
    for (const [name, value] of new FormData(form)) {
      if (typeof value !== "string" || value.trim() === "") continue;
      if (name === "from" || name === "to") {
        const day = calendarDayFromText(value);
        if (day) params.append(name, day);
        else errors[name] = t("dateInvalid");
        continue;
      }
      params.append(name, value.trim());
    }
    setDateErrors(errors);
    const wrong = (["from", "to"] as const).find((name) => errors[name]);
    if (wrong) {
      (form.elements.namedItem(wrong) as HTMLInputElement | null)?.focus();
      return;
    }
    startTransition(() => router.push(params.size > 0 ? `/transfers?${params}` : "/transfers"));
  }

  const submitNow = (form: HTMLFormElement | null) => form?.requestSubmit();

  return (
    <form
      action="/transfers"
      method="get"
      role="search"
      aria-label={t("label")}
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
        <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm" data-testid="batch-filter">
          <input type="hidden" name="batch" value={batch.id} />
          <span className="min-w-0 break-words">
            {t("batchRows")}{" "}
            <Link href={`/batches/${batch.id}`} className="font-mono text-xs break-all text-brand hover:underline">
              {batch.reference}
            </Link>
          </span>
          <Link href={batch.clearHref} className="text-xs text-ink-muted underline hover:text-ink">
            {t("showEvery")}
          </Link>
        </p>
      ) : null}
      <div className="grid grid-cols-1 items-start gap-3 sm:grid-cols-2 lg:grid-cols-[minmax(0,1.6fr)_minmax(0,1.5fr)_minmax(0,1fr)_minmax(0,1.1fr)]">
        <Field id="filter-q" label={t("search")} className="sm:col-span-2 lg:col-span-1">
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
                placeholder={t("searchPlaceholder")}
                className="pl-8"
              />
            </div>
          )}
        </Field>
        <StatusPicker
          selected={statuses}
          onChange={setStatuses}
          scheduled={scheduled}
          onScheduled={setScheduled}
          onDone={(changed, form) => {
            if (changed) submitNow(form);
          }}
        />
        <Field id="filter-wallet" label={wallets("label")}>
          {(aria) => (
            <WalletSelect {...aria} name="wallet" defaultValue={values.wallet} empty={wallets("all")} onChange={(e) => submitNow(e.currentTarget.form)} />
          )}
        </Field>
        <Field id="filter-maker" label={t("madeBy")}>
          {(aria) => (
            <select {...aria} name="maker" defaultValue={values.maker} className={controlClass} onChange={(e) => submitNow(e.currentTarget.form)}>
              <option value="">{t("anyone")}</option>
              {makers.map((maker) => (
                <option key={maker.id} value={maker.id}>
                  {maker.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="grid grid-cols-1 items-start gap-3 sm:grid-cols-2 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_minmax(0,1fr)_minmax(0,1fr)_auto]">
        {(["from", "to"] as const).map((name) => (
          <Field key={name} id={`filter-${name}`} label={name === "from" ? t("from") : t("to")} error={dateErrors[name]}>
            {(aria) => (
              <Input
                {...aria}
                name={name}
                inputMode="numeric"
                autoComplete="off"
                placeholder={t("datePlaceholder")}
                defaultValue={values[name] ? dayText(values[name]) : ""}
                onChange={() => dateErrors[name] && setDateErrors((errors) => ({ ...errors, [name]: undefined }))}
              />
            )}
          </Field>
        ))}
        <Field id="filter-min" label={t("min")}>
          {(aria) => <Input {...aria} name="min" inputMode="numeric" placeholder={t("any")} defaultValue={values.min} autoComplete="off" />}
        </Field>
        <Field id="filter-max" label={t("max")}>
          {(aria) => <Input {...aria} name="max" inputMode="numeric" placeholder={t("any")} defaultValue={values.max} autoComplete="off" />}
        </Field>
        <div className="flex flex-wrap gap-2 sm:col-span-2 lg:col-span-1 lg:self-end">
          <Button type="submit" disabled={pending} className="flex-1 lg:flex-none">
            {t("apply")}
          </Button>
          {filtered ? (
            <Button asChild variant="ghost" className="flex-1 lg:flex-none">
              <Link href={keep.length > 0 ? `/transfers?${new URLSearchParams(keep)}` : "/transfers"}>{t("clear")}</Link>
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
  scheduled,
  onScheduled,
  onDone,
}: {
  selected: TransferStatus[];
  onChange: (statuses: TransferStatus[]) => void;
  scheduled: boolean;
  onScheduled: (on: boolean) => void;
  onDone: (changed: boolean, form: HTMLFormElement | null) => void;
}) {
  const t = useTranslations("history.filters");
  const status = useTranslations("transferStatus");
  const [open, setOpen] = useState(false);
  const [before, setBefore] = useState({ selected, scheduled });
  const trigger = useRef<HTMLButtonElement>(null);
  const labels = [...selected.map((s) => status(`${s}.label`)), ...(scheduled ? [t("scheduled")] : [])];
  // The statuses by name: two fit the field; more show as the first two and "+N" (all of them on hover).
  const summary = labels.length === 0 ? t("anyStatus") : labels.length <= 2 ? labels.join(", ") : `${labels.slice(0, 2).join(", ")} +${labels.length - 2}`;

  function toggle(status: TransferStatus, on: boolean) {
    const next = new Set(selected);
    if (on) next.add(status);
    else next.delete(status);
    onChange(transferStatuses.filter((s) => next.has(s)));
  }

  return (
    <Field id="filter-status" label={t("status")}>
      {(aria) => (
        <>
          {selected.map((status) => (
            <input key={status} type="hidden" name="status" value={status} />
          ))}
          {scheduled ? <input type="hidden" name="scheduled" value="1" /> : null}
          <Popover.Root
            open={open}
            onOpenChange={(next) => {
              setOpen(next);
              if (next) setBefore({ selected, scheduled });
              else onDone(before.selected.join() !== selected.join() || before.scheduled !== scheduled, trigger.current?.form ?? null);
            }}
          >
            <Popover.Trigger asChild>
              <button
                ref={trigger}
                type="button"
                {...aria}
                className={cn(controlClass, "flex items-center justify-between gap-2 text-left")}
                // The name holds the visible words ("Status: Failed, Processing +1"), the full list is its description.
                aria-label={`${t("status")}: ${summary}`}
                title={labels.length > 2 ? labels.join(", ") : undefined}
              >
                <span className="truncate">{summary}</span>
                <ChevronDown aria-hidden className="size-4 shrink-0 text-ink-muted" />
              </button>
            </Popover.Trigger>
            <Popover.Portal>
              <Popover.Content
                align="start"
                sideOffset={4}
                collisionPadding={8}
                className="z-50 w-[min(15rem,calc(100vw-1rem))] rounded-md border border-line bg-surface p-2 shadow-lg"
              >
                <fieldset>
                  <legend className="px-1 pb-1 text-xs font-medium text-ink-muted">{t("showThat")}</legend>
                  {transferStatuses.map((s) => (
                    <label key={s} className="flex h-9 cursor-pointer items-center gap-2 rounded-sm px-1 text-sm hover:bg-canvas">
                      <input type="checkbox" className="size-4 accent-brand" checked={selected.includes(s)} onChange={(e) => toggle(s, e.currentTarget.checked)} />
                      {status(`${s}.label`)}
                    </label>
                  ))}
                  {/* Not a status of its own: the approved transfers of batches waiting for their time (docs/batches.md#scheduled-batches). */}
                  <label className="mt-1 flex h-9 cursor-pointer items-center gap-2 rounded-sm border-t border-line px-1 pt-1 text-sm hover:bg-canvas">
                    <input type="checkbox" className="size-4 accent-brand" checked={scheduled} onChange={(e) => onScheduled(e.currentTarget.checked)} />
                    {t("scheduled")}
                  </label>
                </fieldset>
                <div className="mt-2 flex justify-between border-t border-line pt-2">
                  <Button
                    size="sm"
                    variant="ghost"
                    className="h-8"
                    onClick={() => {
                      onChange([]);
                      onScheduled(false);
                    }}
                    disabled={selected.length === 0 && !scheduled}
                  >
                    {t("anyStatus")}
                  </Button>
                  <Popover.Close asChild>
                    <Button size="sm" className="h-8">
                      {t("show")}
                    </Button>
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
