"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { BookmarkPlus } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { useServerActions } from "@/components/server-actions";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { applyFieldErrors } from "@/components/ui/form-errors";
import { Input } from "@/components/ui/input";
import { useAction } from "@/components/ui/use-action";
import type { Wallet } from "@/lib/cashin/protocol";
import { recipientFields } from "@/lib/recipients/schemas";
import { maxMemoLength } from "@/lib/transfers/schemas";

type Form = z.input<typeof recipientFields>;

/**
 * After a transfer went through: keep its wallet and number as a saved recipient, to pay again without retyping
 * (docs/recipients.md). Saving looks the wallet up again, as any saved recipient is.
 */
export function SaveAsRecipient({ wallet, phone, amount, memo, ownerName }: { wallet: Wallet; phone: string; amount: number; memo: string | null; ownerName: string }) {
  const t = useTranslations("transfers.saveAsRecipient");
  const common = useTranslations("common");
  const actions = useServerActions();
  const router = useRouter();
  const save = useAction();
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const form = useForm<Form, unknown, z.output<typeof recipientFields>>({
    resolver: zodResolver(recipientFields),
    defaultValues: { label: ownerName, wallet, phone, defaultAmount: String(amount), defaultMemo: memo ?? "" },
  });
  const { errors } = form.formState;
  const onSubmit = form.handleSubmit((input) => {
    setProblem(null);
    save.run(
      () => actions.saveRecipient(input),
      (result) => {
        if (result.ok) {
          setOpen(false);
          router.refresh();
        } else if (!applyFieldErrors(form.setError, result, ["label", "defaultAmount", "defaultMemo"])) setProblem(result.message);
      },
    );
  });
  return (
    <Dialog open={open} onOpenChange={(next) => !save.pending && setOpen(next)}>
      <Button variant="secondary" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        <BookmarkPlus aria-hidden />
        {t("button")}
      </Button>
      <DialogContent title={t("title")} description={t("description", { name: ownerName })}>
        <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4" aria-label={t("title")}>
          <Field id="recipient-label" label={t("label")} hint={t("labelHint")} error={errors.label?.message}>
            {(aria) => <Input {...aria} autoComplete="off" {...form.register("label")} />}
          </Field>
          <Field id="recipient-amount" label={t("defaultAmount")} error={errors.defaultAmount?.message}>
            {(aria) => <Input {...aria} inputMode="numeric" autoComplete="off" {...form.register("defaultAmount")} />}
          </Field>
          <Field id="recipient-memo" label={t("defaultMemo")} error={errors.defaultMemo?.message}>
            {(aria) => <Input {...aria} autoComplete="off" maxLength={maxMemoLength * 2} {...form.register("defaultMemo")} />}
          </Field>
          {problem || errors.phone?.message ? (
            <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
              {problem ?? errors.phone?.message}
            </p>
          ) : null}
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary" disabled={save.pending}>
                {common("back")}
              </Button>
            </DialogClose>
            <Button type="submit" disabled={save.pending}>
              {save.pending ? t("saving") : t("save")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
