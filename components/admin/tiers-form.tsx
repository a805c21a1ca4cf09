"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Plus, Trash2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { useFieldArray, useForm } from "react-hook-form";
import { useFormat } from "@/components/i18n/use-format";
import { Button } from "@/components/ui/button";
import { Field, FieldLabel } from "@/components/ui/field";
import { applyFieldErrors } from "@/components/ui/form-errors";
import { controlClass, Input } from "@/components/ui/input";
import { useAction } from "@/components/ui/use-action";
import { cn } from "@/lib/cn";
import { maxApprovals, maxTiers, tiersInputSchema, type ApprovalRule, type TiersInput, type TiersValues } from "@/lib/policies/tiers-schema";
import type { ActionResult } from "@/lib/result";

type Manager = { id: number; name: string };
type Save = (input: unknown) => Promise<ActionResult<ApprovalRule[]>>;

/**
 * The approval tiers (docs/policies.md#approval-tiers): one row per floor, each with how many managers must approve and,
 * optionally, how many of them from named people. The server checks the same rules again, and more (floors rising,
 * enough managers); its refusals land under the fields.
 */
export function TiersForm({ tiers, managers, save }: { tiers: ApprovalRule[]; managers: Manager[]; save: Save }) {
  const t = useTranslations("tiers");
  const format = useFormat();
  const { pending, run } = useAction();
  const asTyped = (rules: ApprovalRule[]): TiersInput => ({
    tiers: rules.map((r) => ({ floor: format.number(r.floor), approvals: r.approvals, named: r.named.map(String), namedNeeded: r.namedNeeded })),
  });
  const form = useForm<TiersInput, unknown, TiersValues>({ resolver: zodResolver(tiersInputSchema), defaultValues: asTyped(tiers) });
  const list = useFieldArray({ control: form.control, name: "tiers" });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit((values) =>
    run(
      (stepUp) => save({ ...values, ...stepUp }),
      (result) => {
        if (result.ok) form.reset(asTyped(result.data));
        else applyFieldErrors(form.setError, result);
      },
    ),
  );

  return (
    <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-4">
      <ol className="flex flex-col gap-3">
        {list.fields.map((field, i) => {
          const tierErrors = errors.tiers?.[i];
          const prefix = `tier-${i}`;
          return (
            <li key={field.id} className="rounded-lg border border-line bg-surface p-4" data-testid={`tier-${i}`}>
              <fieldset className="flex flex-col gap-3">
                <legend className="mb-2 flex w-full items-center justify-between gap-2 text-sm font-semibold">
                  <span>{i === 0 ? t("firstTier") : t("tier", { number: i + 1 })}</span>
                </legend>
                <div className="grid gap-3 sm:grid-cols-2">
                  <Field id={`${prefix}-floor`} label={t("floor")} hint={i === 0 ? t("floorFirstHint") : t("floorHint")} error={tierErrors?.floor?.message}>
                    {(aria) => <Input {...aria} inputMode="numeric" className="tabular-nums" {...form.register(`tiers.${i}.floor`)} />}
                  </Field>
                  <Field id={`${prefix}-approvals`} label={t("approvals")} error={tierErrors?.approvals?.message}>
                    {(aria) => (
                      <select {...aria} className={controlClass} {...form.register(`tiers.${i}.approvals`)}>
                        {Array.from({ length: maxApprovals }, (_, n) => n + 1).map((n) => (
                          <option key={n} value={n}>
                            {t("approvalsOption", { count: n })}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                </div>
                <fieldset className="flex flex-col gap-1">
                  <legend className="text-xs font-medium">{t("named")}</legend>
                  <p className="text-xs text-ink-muted">{t("namedHint")}</p>
                  <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
                    {managers.map((manager) => (
                      <label key={manager.id} className="flex min-h-6 items-center gap-2 text-sm">
                        <input type="checkbox" className="size-5 shrink-0 accent-brand" value={manager.id} {...form.register(`tiers.${i}.named`)} />
                        {manager.name}
                      </label>
                    ))}
                  </div>
                  {tierErrors?.named?.message ? <p className="text-xs font-medium text-danger">{tierErrors.named.message}</p> : null}
                </fieldset>
                <div className="flex flex-col gap-1 sm:max-w-xs">
                  <FieldLabel htmlFor={`${prefix}-named-needed`}>{t("namedNeeded")}</FieldLabel>
                  <select
                    id={`${prefix}-named-needed`}
                    className={controlClass}
                    aria-invalid={Boolean(tierErrors?.namedNeeded)}
                    aria-describedby={tierErrors?.namedNeeded ? `${prefix}-named-needed-error` : undefined}
                    {...form.register(`tiers.${i}.namedNeeded`)}
                  >
                    {Array.from({ length: maxApprovals + 1 }, (_, n) => n).map((n) => (
                      <option key={n} value={n}>
                        {t("namedNeededOption", { count: n })}
                      </option>
                    ))}
                  </select>
                  {tierErrors?.namedNeeded?.message ? (
                    <p id={`${prefix}-named-needed-error`} className="text-xs font-medium text-danger">
                      {tierErrors.namedNeeded.message}
                    </p>
                  ) : null}
                </div>
                {i > 0 ? (
                  <div>
                    <Button type="button" variant="secondary" size="sm" onClick={() => list.remove(i)} aria-label={t("removeTier", { number: i + 1 })}>
                      <Trash2 aria-hidden />
                      {t("remove")}
                    </Button>
                  </div>
                ) : null}
              </fieldset>
            </li>
          );
        })}
      </ol>
      {errors.tiers?.root?.message || errors.tiers?.message ? <p className="text-sm font-medium text-danger">{errors.tiers?.root?.message ?? errors.tiers?.message}</p> : null}
      <div className={cn("flex flex-wrap gap-2")}>
        <Button
          type="button"
          variant="secondary"
          disabled={list.fields.length >= maxTiers}
          onClick={() => {
            const last = form.getValues(`tiers.${list.fields.length - 1}`);
            list.append({ floor: "", approvals: Math.min(maxApprovals, Number(last?.approvals ?? 1) + 1), named: [], namedNeeded: 0 });
          }}
        >
          <Plus aria-hidden />
          {t("add")}
        </Button>
        <Button type="submit" disabled={pending}>
          {pending ? t("saving") : t("save")}
        </Button>
      </div>
      <p className="text-xs text-ink-muted">{t("keepsTier", { example: format.rupiah(50_000_000) })}</p>
    </form>
  );
}
