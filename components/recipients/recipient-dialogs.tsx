"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Pencil, SendHorizontal, UserCheck, UserPlus } from "lucide-react";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { useForm, useWatch, type UseFormReturn } from "react-hook-form";
import { useFormat } from "@/components/i18n/use-format";
import { useServerActions } from "@/components/server-actions";
import { WalletSelect } from "@/components/transfers/wallet-select";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { applyFieldErrors } from "@/components/ui/form-errors";
import { Input } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { useAction } from "@/components/ui/use-action";
import type { Wallet } from "@/lib/cashin/protocol";
import { formatPhone } from "@/lib/phone-display";
import { maxLabelLength, recipientFields, type RecipientForm, type RecipientInput } from "@/lib/recipients/schemas";
import { maxMemoLength, phoneField } from "@/lib/transfers/schemas";
import { walletLabel } from "@/lib/transfers/wallets";

/** A saved recipient as its row's dialogs need it. */
export type EditableRecipient = { id: number; label: string; wallet: Wallet; phone: string; ownerName: string; defaultAmount: number | null; defaultMemo: string | null };

type Form = UseFormReturn<RecipientForm, unknown, RecipientInput>;
const fields = ["label", "wallet", "phone", "defaultAmount", "defaultMemo"] as const;

/** The form's values: a saved recipient's as people write them, or an empty form. */
function formValues(recipient?: EditableRecipient): RecipientForm {
  if (!recipient) return { label: "", wallet: "DANA", phone: "", defaultAmount: "", defaultMemo: "" };
  const { label, wallet, phone, defaultAmount, defaultMemo } = recipient;
  return { label, wallet, phone: formatPhone(phone), defaultAmount: defaultAmount === null ? "" : String(defaultAmount), defaultMemo: defaultMemo ?? "" };
}

function useRecipientForm(recipient?: EditableRecipient, initial?: RecipientForm): Form {
  return useForm<RecipientForm, unknown, RecipientInput>({ resolver: zodResolver(recipientFields), defaultValues: initial ?? formValues(recipient) });
}

/** What the actions receive: the checked values in a form their schema reads again (no amount is "", no memo ""). */
function actionInput(values: RecipientInput) {
  return { label: values.label, wallet: values.wallet, phone: values.phone, defaultAmount: values.defaultAmount ?? "", defaultMemo: values.defaultMemo ?? "" };
}

/** The fields of New recipient and Edit, checked with the server's own schema as they are typed and sent. */
function RecipientFields({ form, idPrefix }: { form: Form; idPrefix: string }) {
  const t = useTranslations("recipients.form");
  const format = useFormat();
  const { errors } = form.formState;
  const amount = useWatch({ control: form.control, name: "defaultAmount" });
  const read = amount ? recipientFields.shape.defaultAmount.safeParse(amount) : undefined;
  return (
    <div className="flex flex-col gap-3">
      <Field id={`${idPrefix}-label`} label={t("label")} hint={t("labelHint", { max: maxLabelLength })} error={errors.label?.message}>
        {(aria) => <Input {...aria} autoComplete="off" maxLength={maxLabelLength * 2} {...form.register("label")} />}
      </Field>
      <div className="grid gap-3 sm:grid-cols-[9rem_minmax(0,1fr)]">
        <Field id={`${idPrefix}-wallet`} label={t("wallet")} error={errors.wallet?.message}>
          {(aria) => <WalletSelect {...aria} {...form.register("wallet")} />}
        </Field>
        <Field id={`${idPrefix}-phone`} label={t("phone")} hint={t("phoneHint")} error={errors.phone?.message}>
          {(aria) => <Input {...aria} inputMode="tel" autoComplete="off" placeholder="0812 3456 7890" {...form.register("phone")} />}
        </Field>
      </div>
      <Field
        id={`${idPrefix}-amount`}
        label={t("amount")}
        hint={read?.success && read.data !== null ? t("amountRead", { amount: format.rupiah(read.data) }) : t("amountHint")}
        error={errors.defaultAmount?.message}
      >
        {(aria) => <Input {...aria} inputMode="numeric" autoComplete="off" placeholder="50.000" {...form.register("defaultAmount")} />}
      </Field>
      <Field id={`${idPrefix}-memo`} label={t("memo")} hint={t("memoHint", { max: maxMemoLength })} error={errors.defaultMemo?.message}>
        {(aria) => <Input {...aria} autoComplete="off" maxLength={maxMemoLength * 2} {...form.register("defaultMemo")} />}
      </Field>
    </div>
  );
}

function Problem({ message }: { message: string | null }) {
  return message ? (
    <p role="alert" className="mt-3 rounded-md bg-danger-soft px-3 py-2 text-sm break-words text-danger">
      {message}
    </p>
  ) : null;
}

/**
 * New recipient: saving looks the wallet up (the action does), so the dialog then shows the owner's name Cash In gave,
 * with a way to pay them at once. `from` starts it from a transfer that went through ("Save as recipient" on its page:
 * its wallet, number, amount and memo filled in, the owner's name as label).
 */
export function NewRecipientDialog({ from }: { from?: { values: RecipientForm; button: string; title: string; /** The number is saved already: no button, though a dialog still open stays. */ saved?: boolean } } = {}) {
  const t = useTranslations("recipients");
  const common = useTranslations("common");
  const actions = useServerActions();
  const save = useAction({ quiet: true });
  const form = useRecipientForm(undefined, from?.values);
  const title = from?.title ?? t("new.title");
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<{ id: number; ownerName: string; message: string } | null>(null);
  const ownerName = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (saved) ownerName.current?.focus();
  }, [saved]);

  const startOver = () => {
    form.reset();
    setSaved(null);
    setProblem(null);
  };
  const onSubmit = form.handleSubmit((values) => {
    setProblem(null);
    save.run(
      () => actions.saveRecipient(actionInput(values)),
      (result) => {
        if (result.ok) setSaved({ id: result.data.recipientId, ownerName: result.data.ownerName, message: result.message ?? "" });
        else if (!applyFieldErrors(form.setError, result, fields)) setProblem(result.message);
      },
    );
  });

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        // Not while saving; once saved, the page's refresh may still be loading, and the dialog closes all the same.
        if (save.pending && !saved) return;
        setOpen(next);
        if (!next) startOver();
      }}
    >
      {from?.saved ? null : (
        <DialogTrigger asChild>
          <Button variant={from ? "secondary" : "primary"}>
            <UserPlus aria-hidden />
            {from?.button ?? t("new.button")}
          </Button>
        </DialogTrigger>
      )}
      <DialogContent title={title} description={saved ? undefined : t("new.description")}>
        <p aria-live="polite" className="sr-only">
          {saved?.message ?? ""}
        </p>
        {saved ? (
          <section aria-labelledby="new-recipient-owner" className="flex flex-col gap-3">
            <div className="flex items-start gap-3 rounded-lg border border-ok/30 bg-ok-soft/40 p-3">
              <span className="flex size-9 shrink-0 items-center justify-center rounded-full bg-ok-soft text-ok">
                <UserCheck aria-hidden className="size-5" />
              </span>
              <div className="min-w-0">
                <h3 id="new-recipient-owner" className="text-xs font-medium text-ink-muted">
                  {t("new.owner")}
                </h3>
                <p ref={ownerName} tabIndex={-1} className="rounded-sm text-lg font-semibold break-words" data-testid="saved-owner-name">
                  {saved.ownerName}
                </p>
                <p className="text-sm break-words text-ink-muted">{saved.message}</p>
              </div>
            </div>
            <DialogFooter className="mt-2">
              <Button variant="secondary" onClick={startOver}>
                {t("new.another")}
              </Button>
              <Button asChild variant="secondary">
                <Link href={`/transfers/new?recipient=${saved.id}`}>
                  <SendHorizontal aria-hidden />
                  {t("new.payNow")}
                </Link>
              </Button>
              <DialogClose asChild>
                <Button>{t("new.done")}</Button>
              </DialogClose>
            </DialogFooter>
          </section>
        ) : (
          <form onSubmit={onSubmit} noValidate aria-label={title}>
            <RecipientFields form={form} idPrefix="new-recipient" />
            <Problem message={problem} />
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="secondary" disabled={save.pending}>
                  {common("cancel")}
                </Button>
              </DialogClose>
              <Button type="submit" disabled={save.pending}>
                {save.pending ? t("new.saving") : t("new.save")}
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

/** Edit: the same fields; a new e-wallet or number is looked up again when saved, and says so before. */
export function EditRecipientDialog({ recipient }: { recipient: EditableRecipient }) {
  const t = useTranslations("recipients");
  const common = useTranslations("common");
  const actions = useServerActions();
  const notify = useToast();
  const update = useAction({ quiet: true });
  const form = useRecipientForm(recipient);
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [wallet, phone] = useWatch({ control: form.control, name: ["wallet", "phone"] });
  const typedPhone = phoneField.safeParse(phone ?? "");
  const moved = wallet !== recipient.wallet || (typedPhone.success && typedPhone.data !== recipient.phone);

  const onSubmit = form.handleSubmit((values) => {
    setProblem(null);
    update.run(
      () => actions.updateRecipient({ recipientId: recipient.id, ...actionInput(values) }),
      (result) => {
        if (result.ok) {
          notify({ tone: "ok", title: result.message ?? t("edit.save") });
          setOpen(false);
        } else if (!applyFieldErrors(form.setError, result, fields)) setProblem(result.message);
      },
    );
  });

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (update.pending) return;
        setOpen(next);
        // The recipient as the page shows it now (an edit saved earlier changed it).
        if (next) {
          form.reset(formValues(recipient));
          setProblem(null);
        }
      }}
    >
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm" aria-label={t("edit.buttonLabel", { label: recipient.label })}>
          <Pencil aria-hidden />
          {t("edit.button")}
        </Button>
      </DialogTrigger>
      <DialogContent title={t("edit.title", { label: recipient.label })} description={t("edit.description")}>
        <p className="mb-3 text-sm">
          {t("edit.owner", { name: recipient.ownerName })}
          <span className="text-ink-muted">
            {" "}
            · {walletLabel[recipient.wallet]} <span className="whitespace-nowrap">{formatPhone(recipient.phone)}</span>
          </span>
        </p>
        <form onSubmit={onSubmit} noValidate aria-label={t("edit.title", { label: recipient.label })}>
          <RecipientFields form={form} idPrefix={`recipient-${recipient.id}`} />
          {moved ? <p className="mt-3 rounded-md bg-info-soft px-3 py-2 text-sm text-info">{t("edit.lookUpAgain")}</p> : null}
          <Problem message={problem} />
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary" disabled={update.pending}>
                {common("cancel")}
              </Button>
            </DialogClose>
            <Button type="submit" disabled={update.pending}>
              {update.pending ? t("edit.saving") : moved ? t("edit.saveAndLookUp") : t("edit.save")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

/** Archive, after a confirmation: the recipient leaves the list and New transfer; its transfers keep pointing to it. */
export function ArchiveRecipientDialog({ recipient }: { recipient: Pick<EditableRecipient, "id" | "label"> }) {
  const t = useTranslations("recipients");
  const common = useTranslations("common");
  const actions = useServerActions();
  const archive = useAction();
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={(next) => !archive.pending && setOpen(next)}>
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm" aria-label={t("archive.buttonLabel", { label: recipient.label })}>
          {t("archive.button")}
        </Button>
      </DialogTrigger>
      <DialogContent title={t("archive.title", { label: recipient.label })} description={t("archive.description")}>
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary" disabled={archive.pending}>
              {common("cancel")}
            </Button>
          </DialogClose>
          <Button
            variant="danger"
            disabled={archive.pending}
            onClick={() => archive.run(() => actions.archiveRecipient({ recipientId: recipient.id }), (result) => result.ok && setOpen(false))}
          >
            {archive.pending ? t("archive.archiving") : t("archive.confirm")}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
