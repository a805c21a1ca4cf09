"use client";

import { Download, Upload } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { controlClass } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { useFormat } from "@/components/i18n/use-format";
import { cn } from "@/lib/cn";
import { maxBatchRows } from "@/lib/batches/parse";
import { useServerActions } from "@/components/server-actions";

/** Upload a CSV or Excel (.xlsx) file: parsed and validated on the server, then the batch page shows the check as it runs. */
export function UploadBatchForm() {
  const actions = useServerActions();
  const router = useRouter();
  const notify = useToast();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | undefined>();
  const t = useTranslations("batches.upload");
  const format = useFormat();

  return (
    <form
      aria-label={t("form")}
      className="flex flex-col gap-3 rounded-lg border border-line bg-surface p-4"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        setError(undefined);
        startTransition(async () => {
          const result = await actions.uploadBatch(form);
          if (result.ok) {
            notify({ tone: "ok", title: t("uploaded", { reference: result.data.reference }) });
            router.push(`/batches/${result.data.batchId}`);
          } else {
            setError(result.fieldErrors?.file?.[0] ?? result.message);
          }
        });
      }}
    >
      <Field
        id="batch-file"
        label={t("file")}
        error={error}
        hint={t("hint", { max: format.number(maxBatchRows) })}
      >
        {(aria) => (
          <input
            {...aria}
            name="file"
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            required
            className={cn(controlClass, "h-auto w-full min-w-0 py-1.5 file:mr-3 file:rounded file:border-0 file:bg-brand-soft file:px-2 file:py-1 file:text-xs file:font-medium file:text-brand")}
          />
        )}
      </Field>
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" disabled={pending}>
          <Upload aria-hidden />
          {pending ? t("uploading") : t("submit")}
        </Button>
        {/* The templates come in the reader's language; the server names the file. */}
        <Button asChild variant="ghost">
          <a href="/batches/template" download>
            <Download aria-hidden />
            {t("template")}
          </a>
        </Button>
        <Button asChild variant="ghost">
          <a href="/batches/template?format=xlsx" download>
            <Download aria-hidden />
            {t("templateExcel")}
          </a>
        </Button>
      </div>
    </form>
  );
}
