"use client";

import { applyFieldErrors } from "@/components/ui/form-errors";
import { zodResolver } from "@hookform/resolvers/zod";
import { useTranslations } from "next-intl";
import { useMemo } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useAction } from "@/components/ui/use-action";
import { useFormat } from "@/components/i18n/use-format";
import type { Format } from "@/lib/format";
import { limitsSchemaFor, type Limits, type LimitsInput } from "@/lib/transfers/limits-schema";
import { useServerActions } from "@/components/server-actions";

/** The form's fields in order; each one's label and hint are `limits.fields.<name>.label` / `.hint`. */
const fields = [
  "approvalThreshold",
  "maxPerTransfer",
  "dailyTotalPerMaker",
  "approvalWindowHours",
  "notFoundGraceMinutes",
  "nearDuplicateWindowHours",
  "lookUpsPerHour",
  "batchRowsPerDay",
] as const satisfies readonly (keyof Limits)[];

const rupiahFields = new Set<keyof Limits>(["approvalThreshold", "maxPerTransfer", "dailyTotalPerMaker"]);

/** `gatewayTimeoutMs` is the server's CASHIN_TIMEOUT_MS: the grace period cannot be shorter than 3 × it + 1 minute. */
export function LimitsForm({ limits, gatewayTimeoutMs }: { limits: Limits; gatewayTimeoutMs: number }) {
  const actions = useServerActions();
  const t = useTranslations("limits");
  const format = useFormat();
  const { pending, run } = useAction();
  const schema = useMemo(() => limitsSchemaFor(gatewayTimeoutMs), [gatewayTimeoutMs]);
  const form = useForm<LimitsInput, unknown, z.output<typeof schema>>({ resolver: zodResolver(schema), defaultValues: asTyped(limits, format) });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit((values) =>
    run(
      (stepUp) => actions.updateLimits({ ...values, ...stepUp }),
      (result) => {
        if (result.ok) form.reset(asTyped(result.data, format));
        else applyFieldErrors(form.setError, result);
      },
    ),
  );

  return (
    <form onSubmit={onSubmit} noValidate className="flex max-w-lg flex-col gap-4 rounded-lg border border-line bg-surface p-4 sm:p-5">
      {fields.map((name) => {
        const value = limits[name];
        // Amounts read as rupiah, counts with the language's separators, hours and minutes as they are.
        const shown = rupiahFields.has(name) ? format.rupiah(value) : format.number(value);
        return (
          <Field key={name} id={name} label={t(`fields.${name}.label`)} hint={t(`fields.${name}.hint`, { value: shown })} error={errors[name]?.message}>
            {(aria) => <Input {...aria} inputMode="numeric" className="tabular-nums" {...form.register(name)} />}
          </Field>
        );
      })}
      <div>
        <Button type="submit" disabled={pending} className="w-full sm:w-auto">
          {pending ? t("saving") : t("save")}
        </Button>
      </div>
    </form>
  );
}

/** Rupiah and counts with the reader's thousand separators, as finance staff type and read them (both parse). */
function asTyped(limits: Limits, format: Format): LimitsInput {
  return {
    ...limits,
    approvalThreshold: format.number(limits.approvalThreshold),
    maxPerTransfer: format.number(limits.maxPerTransfer),
    dailyTotalPerMaker: format.number(limits.dailyTotalPerMaker),
    lookUpsPerHour: format.number(limits.lookUpsPerHour),
    batchRowsPerDay: format.number(limits.batchRowsPerDay),
  };
}
