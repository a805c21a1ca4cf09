"use client";

import { Download, Upload } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { controlClass } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { cn } from "@/lib/cn";
import { formatNumber } from "@/lib/format";
import { maxBatchRows } from "@/lib/batches/parse";
import { useServerActions } from "@/components/server-actions";

/** Upload a CSV: parsed and validated on the server, then the batch page shows the check as it runs. */
export function UploadBatchForm() {
  const actions = useServerActions();
  const router = useRouter();
  const notify = useToast();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | undefined>();

  return (
    <form
      aria-label="Upload a batch"
      className="flex flex-col gap-3 rounded-lg border border-line bg-surface p-4"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        setError(undefined);
        startTransition(async () => {
          const result = await actions.uploadBatch(form);
          if (result.ok) {
            notify({ tone: "ok", title: `Uploaded ${result.data.reference}. Checking every wallet…` });
            router.push(`/batches/${result.data.batchId}`);
          } else {
            setError(result.fieldErrors?.file?.[0] ?? result.message);
          }
        });
      }}
    >
      <Field
        id="batch-file"
        label="CSV file"
        error={error}
        hint={`Columns wallet, phone, amount and an optional note; comma or semicolon; up to ${formatNumber(maxBatchRows)} rows, 5 MB.`}
      >
        {(aria) => <input {...aria} name="file" type="file" accept=".csv,text/csv" required className={cn(controlClass, "h-auto py-1.5 file:mr-3 file:rounded file:border-0 file:bg-brand-soft file:px-2 file:py-1 file:text-xs file:font-medium file:text-brand")} />}
      </Field>
      <div className="flex items-center gap-2">
        <Button type="submit" disabled={pending}>
          <Upload aria-hidden />
          {pending ? "Uploading…" : "Upload and check"}
        </Button>
        <Button asChild variant="ghost">
          <a href="/batch-template.csv" download="batch-template.csv">
            <Download aria-hidden />
            Download the template
          </a>
        </Button>
      </div>
    </form>
  );
}
