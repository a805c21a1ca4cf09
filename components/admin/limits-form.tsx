"use client";

import { applyFieldErrors } from "@/components/ui/form-errors";
import { zodResolver } from "@hookform/resolvers/zod";
import { useMemo } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useAction } from "@/components/ui/use-action";
import { formatNumber, formatRupiah } from "@/lib/format";
import { limitsSchemaFor, type Limits, type LimitsInput } from "@/lib/transfers/limits-schema";
import { useServerActions } from "@/components/server-actions";

const fields: { name: keyof Limits; label: string; hint: (value: number) => string }[] = [
  { name: "approvalThreshold", label: "Approval threshold (Rp)", hint: (v) => `Transfers of ${formatRupiah(v)} or more wait for a manager.` },
  { name: "maxPerTransfer", label: "Maximum per transfer (Rp)", hint: (v) => `No single transfer above ${formatRupiah(v)}.` },
  { name: "dailyTotalPerMaker", label: "Daily total per maker (Rp)", hint: (v) => `One person creates at most ${formatRupiah(v)} per day (Jakarta time).` },
  { name: "approvalWindowHours", label: "Approval window (hours)", hint: (v) => `Undecided transfers expire after ${v} h.` },
  {
    name: "notFoundGraceMinutes",
    label: "Not-found grace period (minutes)",
    hint: (v) => `Only after a top-up Cash In did not answer clearly: "not found" counts as never sent after ${v} min.`,
  },
  {
    name: "nearDuplicateWindowHours",
    label: "Possible-duplicate window (hours)",
    hint: (v) => `A transfer to the same wallet, number and amount as another one in the last ${v} h needs a "separate payment" tick.`,
  },
  {
    name: "lookUpsPerHour",
    label: "Look-ups per person per hour",
    hint: (v) => `Owner names are personal data: one person looks up at most ${formatNumber(v)} wallets on New transfer in any hour.`,
  },
  {
    name: "batchRowsPerDay",
    label: "Batch rows per person per 24 hours",
    hint: (v) => `One person uploads at most ${formatNumber(v)} batch rows (and row fixes) in any 24 hours.`,
  },
];

/** `gatewayTimeoutMs` is the server's CASHIN_TIMEOUT_MS: the grace period cannot be shorter than 3 × it + 1 minute. */
export function LimitsForm({ limits, gatewayTimeoutMs }: { limits: Limits; gatewayTimeoutMs: number }) {
  const actions = useServerActions();
  const { pending, run } = useAction();
  const schema = useMemo(() => limitsSchemaFor(gatewayTimeoutMs), [gatewayTimeoutMs]);
  const form = useForm<LimitsInput, unknown, z.output<typeof schema>>({ resolver: zodResolver(schema), defaultValues: asTyped(limits) });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit((values) =>
    run(
      (stepUp) => actions.updateLimits({ ...values, ...stepUp }),
      (result) => {
        if (result.ok) form.reset(asTyped(result.data));
        else applyFieldErrors(form.setError, result);
      },
    ),
  );

  return (
    <form onSubmit={onSubmit} noValidate className="flex max-w-lg flex-col gap-4 rounded-lg border border-line bg-surface p-5">
      {fields.map((field) => (
        <Field key={field.name} id={field.name} label={field.label} hint={field.hint(limits[field.name])} error={errors[field.name]?.message}>
          {(aria) => <Input {...aria} inputMode="numeric" className="tabular-nums" {...form.register(field.name)} />}
        </Field>
      ))}
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save limits"}
        </Button>
      </div>
    </form>
  );
}

/** Rupiah and counts with id-ID thousand separators, as finance staff type and read them. */
function asTyped(limits: Limits): LimitsInput {
  return {
    ...limits,
    approvalThreshold: formatNumber(limits.approvalThreshold),
    maxPerTransfer: formatNumber(limits.maxPerTransfer),
    dailyTotalPerMaker: formatNumber(limits.dailyTotalPerMaker),
    lookUpsPerHour: formatNumber(limits.lookUpsPerHour),
    batchRowsPerDay: formatNumber(limits.batchRowsPerDay),
  };
}
