"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { calendarDayFromText, dayText } from "@/lib/jakarta";
import { defaultRangeDays } from "@/lib/dashboard/range";

type DateField = "from" | "to";

/**
 * The dashboard's range: a GET form on the overview, so the URL holds it and it works before JavaScript
 * loads. Days are typed dd/mm/yyyy in both languages, as on the history's filters; with JavaScript a day
 * that cannot be read is named at its field, and the URL carries yyyy-mm-dd. The page checks the range
 * again (lib/dashboard/range.ts) and says why when it shows the default instead.
 */
export function DashboardRangeForm({ from, to, isDefault }: { from: string; to: string; isDefault: boolean }) {
  const t = useTranslations("dashboard.range");
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [errors, setErrors] = useState<Partial<Record<DateField, string>>>({});

  function apply(form: HTMLFormElement) {
    const params = new URLSearchParams();
    const found: Partial<Record<DateField, string>> = {};
    for (const name of ["from", "to"] as const) {
      const value = (form.elements.namedItem(name) as HTMLInputElement | null)?.value.trim() ?? "";
      if (value === "") continue;
      const day = calendarDayFromText(value);
      if (day) params.set(name, day);
      else found[name] = t("dateInvalid");
    }
    setErrors(found);
    const wrong = (["from", "to"] as const).find((name) => found[name]);
    if (wrong) {
      (form.elements.namedItem(wrong) as HTMLInputElement | null)?.focus();
      return;
    }
    startTransition(() => router.push(params.size > 0 ? `/?${params}#dashboard` : "/#dashboard", { scroll: false }));
  }

  return (
    <form
      action="/"
      method="get"
      aria-label={t("label")}
      aria-busy={pending}
      className="grid grid-cols-2 items-start gap-3 sm:flex sm:flex-wrap sm:items-end"
      onSubmit={(event: FormEvent<HTMLFormElement>) => {
        event.preventDefault();
        apply(event.currentTarget);
      }}
    >
      {(["from", "to"] as const).map((name) => (
        <Field key={`${name}-${name === "from" ? from : to}`} id={`dashboard-${name}`} label={t(name)} error={errors[name]} className="min-w-0 sm:w-40">
          {(aria) => (
            <Input
              {...aria}
              name={name}
              inputMode="numeric"
              autoComplete="off"
              placeholder={t("datePlaceholder")}
              defaultValue={dayText(name === "from" ? from : to)}
              onChange={() => errors[name] && setErrors((current) => ({ ...current, [name]: undefined }))}
            />
          )}
        </Field>
      ))}
      <div className="col-span-2 flex flex-wrap gap-2 sm:col-span-1">
        <Button type="submit" disabled={pending} className="flex-1 sm:flex-none">
          {t("apply")}
        </Button>
        {isDefault ? null : (
          <Button asChild variant="ghost" className="flex-1 sm:flex-none">
            <Link href="/#dashboard" scroll={false}>
              {t("lastDays", { days: defaultRangeDays })}
            </Link>
          </Button>
        )}
      </div>
    </form>
  );
}
