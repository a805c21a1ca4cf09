"use client";

import { Upload } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { useServerActions } from "@/components/server-actions";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { controlClass } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { cn } from "@/lib/cn";

/**
 * Import recipients from a CSV file (docs/recipients.md#import): all or none. A refusal lists every line to fix, so the
 * file can be corrected in one go.
 */
export function ImportRecipientsDialog({ maxRows, lookUpsPerHour }: { maxRows: number; lookUpsPerHour: number }) {
  const t = useTranslations("recipients.importDialog");
  const common = useTranslations("common");
  const actions = useServerActions();
  const notify = useToast();
  const [open, setOpen] = useState(false);
  const [pending, startTransition] = useTransition();
  const [refusal, setRefusal] = useState<{ message: string; lines: string[] } | null>(null);

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (pending) return;
        setOpen(next);
        setRefusal(null);
      }}
    >
      <DialogTrigger asChild>
        <Button variant="secondary">
          <Upload aria-hidden />
          {t("button")}
        </Button>
      </DialogTrigger>
      <DialogContent title={t("title")} description={t("description", { max: maxRows })}>
        <form
          aria-label={t("title")}
          aria-busy={pending}
          onSubmit={(event) => {
            event.preventDefault();
            const form = new FormData(event.currentTarget);
            setRefusal(null);
            startTransition(async () => {
              const result = await actions.importRecipients(form);
              if (result.ok) {
                notify({ tone: "ok", title: result.message ?? t("title") });
                setOpen(false);
              } else {
                // A file refused as a whole says so once; a file with bad lines lists them under the summary.
                const lines = (result.fieldErrors?.file ?? []).filter((line) => line !== result.message);
                setRefusal({ message: result.message, lines });
              }
            });
          }}
        >
          <p className="mb-3 text-sm text-ink-muted">{t("rules", { limit: lookUpsPerHour })}</p>
          <Field id="recipients-file" label={t("file")}>
            {(aria) => (
              <input
                {...aria}
                name="file"
                type="file"
                accept=".csv,text/csv"
                required
                className={cn(controlClass, "h-auto w-full min-w-0 py-1.5 file:mr-3 file:rounded file:border-0 file:bg-brand-soft file:px-2 file:py-1 file:text-xs file:font-medium file:text-brand")}
              />
            )}
          </Field>
          {refusal ? (
            <div role="alert" className="mt-3 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
              <p className="font-medium break-words">{refusal.message}</p>
              {refusal.lines.length > 0 ? (
                <ul aria-label={t("problems")} tabIndex={0} className="mt-2 max-h-56 list-disc overflow-y-auto pl-5 text-xs break-words" data-testid="import-problems">
                  {refusal.lines.map((line, index) => (
                    <li key={index}>{line}</li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary" disabled={pending}>
                {common("cancel")}
              </Button>
            </DialogClose>
            <Button type="submit" disabled={pending}>
              {pending ? t("importing") : t("submit")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
