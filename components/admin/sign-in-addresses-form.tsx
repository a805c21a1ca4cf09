"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Plus, Trash2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { useFieldArray, useForm, useWatch, type Path } from "react-hook-form";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input, controlClass } from "@/components/ui/input";
import { useAction } from "@/components/ui/use-action";
import { allowListBounds, allowListRoles, allowListSchema, type AllowList, type AllowListInput, type AllowListRule } from "@/lib/auth/allow-list-schema";
import type { ActionResult } from "@/lib/result";

type Values = z.output<typeof allowListSchema>;

/**
 * The sign-in allow-list (docs/sign-in-addresses.md): rows of address ranges, each for one role or everyone, checked
 * here by the same schema the server checks again. `currentAddress` is the address this page was asked from, by the
 * sign-in rules; `currentRange` the range the helper adds for it. The server refuses a list that leaves that address
 * out for admins: its message shows above the save button.
 */
export function SignInAddressesForm({
  rules,
  currentAddress,
  currentRange,
  save,
}: {
  rules: AllowListRule[];
  currentAddress: string | null;
  currentRange: string | null;
  save: (input: unknown) => Promise<ActionResult<AllowList>>;
}) {
  const t = useTranslations("signInAddresses");
  const { pending, run } = useAction();
  const form = useForm<AllowListInput, unknown, Values>({ resolver: zodResolver(allowListSchema), defaultValues: asTyped(rules) });
  const { fields, append, remove } = useFieldArray({ control: form.control, name: "rules" });
  const typed = useWatch({ control: form.control, name: "rules" });
  const { errors } = form.formState;
  const currentListed = currentRange !== null && typed.some((rule) => rule.cidr.trim() === currentRange);

  const onSubmit = form.handleSubmit((values) =>
    run(
      (stepUp) => save({ ...values, ...stepUp }),
      (result) => {
        if (result.ok) {
          form.reset(asTyped(result.data.rules));
          return;
        }
        for (const [field, messages] of Object.entries(result.fieldErrors ?? {})) {
          form.setError(field === "form" ? "root.server" : (field as Path<AllowListInput>), { message: messages[0] });
        }
      },
    ),
  );

  return (
    <form onSubmit={onSubmit} noValidate className="flex max-w-4xl flex-col gap-4">
      <section aria-labelledby="current-address" className="flex flex-col gap-2 rounded-lg border border-line bg-surface p-4 sm:flex-row sm:items-center sm:justify-between">
        <div className="min-w-0">
          <p id="current-address" className="text-sm font-medium break-all text-ink">
            {currentAddress ? t("currentAddress", { address: currentAddress }) : t("currentAddressUnknown")}
          </p>
          {currentRange ? <p className="text-xs text-ink-muted">{t("addCurrentHint", { range: currentRange })}</p> : null}
        </div>
        {currentRange ? (
          <Button
            variant="secondary"
            className="w-full sm:w-auto"
            disabled={currentListed || fields.length >= allowListBounds.rules}
            onClick={() => append({ cidr: currentRange, role: "all", note: t("currentNote") })}
          >
            <Plus aria-hidden />
            {t("addCurrent")}
          </Button>
        ) : null}
      </section>

      <fieldset className="flex flex-col gap-3 rounded-lg border border-line bg-surface p-4 sm:p-5">
        <legend className="px-1 text-sm font-semibold text-ink">{t("rulesLegend")}</legend>
        <p className="text-xs text-ink-muted">{t("rangeHint")}</p>
        {fields.length === 0 ? <p className="text-sm text-ink-muted">{t("empty")}</p> : null}
        {fields.map((field, index) => {
          const rowErrors = errors.rules?.[index];
          return (
            <div
              key={field.id}
              role="group"
              aria-label={t("rowLabel", { number: index + 1 })}
              className="grid gap-3 border-t border-line pt-3 first-of-type:border-t-0 first-of-type:pt-0 sm:grid-cols-[minmax(0,3fr)_minmax(0,2fr)_minmax(0,3fr)_auto] sm:items-start"
            >
              <Field id={`rule-${index}-cidr`} label={t("rangeLabel")} error={rowErrors?.cidr?.message}>
                {(aria) => <Input {...aria} autoComplete="off" spellCheck={false} className="font-mono" {...form.register(`rules.${index}.cidr`)} />}
              </Field>
              <Field id={`rule-${index}-role`} label={t("roleLabel")} error={rowErrors?.role?.message}>
                {(aria) => (
                  <select {...aria} className={controlClass} {...form.register(`rules.${index}.role`)}>
                    {allowListRoles.map((role) => (
                      <option key={role} value={role}>
                        {t(`roles.${role}`)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field id={`rule-${index}-note`} label={t("noteLabel")} error={rowErrors?.note?.message}>
                {(aria) => <Input {...aria} {...form.register(`rules.${index}.note`)} />}
              </Field>
              <div className="sm:pt-5">
                <Button variant="ghost" className="w-full sm:w-auto" aria-label={t("removeLabel", { number: index + 1 })} onClick={() => remove(index)}>
                  <Trash2 aria-hidden />
                  {t("remove")}
                </Button>
              </div>
            </div>
          );
        })}
        {errors.rules?.message ? <p className="text-xs font-medium text-danger">{errors.rules.message}</p> : null}
        <div>
          <Button
            variant="secondary"
            className="w-full sm:w-auto"
            disabled={fields.length >= allowListBounds.rules}
            onClick={() => append({ cidr: "", role: "all", note: "" })}
          >
            <Plus aria-hidden />
            {t("add")}
          </Button>
        </div>
      </fieldset>

      <p className="text-sm text-ink-muted">{t("guard")}</p>
      {errors.root?.server?.message ? (
        <p role="alert" className="rounded-md border border-danger/40 bg-danger/5 p-3 text-sm font-medium text-danger">
          {errors.root.server.message}
        </p>
      ) : null}
      <div>
        <Button type="submit" disabled={pending} className="w-full sm:w-auto">
          {pending ? t("saving") : t("save")}
        </Button>
      </div>
    </form>
  );
}

/** The saved rules as the form's rows: a missing note as an empty field. */
function asTyped(rules: readonly AllowListRule[]): AllowListInput {
  return { rules: rules.map((rule) => ({ cidr: rule.cidr, role: rule.role, note: rule.note ?? "" })) };
}
