"use client";

import { applyFieldErrors } from "@/components/ui/form-errors";
import { zodResolver } from "@hookform/resolvers/zod";
import { Search, SendHorizontal, UserCheck } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import type { z } from "zod";
import { useFormat } from "@/components/i18n/use-format";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input, controlClass } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { useAction } from "@/components/ui/use-action";
import { WALLETS, type Wallet } from "@/lib/cashin/protocol";
import { cn } from "@/lib/cn";
import { formatPhone } from "@/lib/phone-display";
import type { LookUpAnswer } from "@/lib/transfers/inquiry";
import { lookUpSchema, maxMemoLength, memoField, phoneField } from "@/lib/transfers/schemas";
import { sameName } from "@/lib/transfers/owner-name";
import type { TransferStatus } from "@/lib/transfers/status";
import { walletLabel } from "@/lib/transfers/wallets";
import { MixedScriptWarning } from "./name-warning";
import { NearDuplicates } from "./near-duplicates";
import { useServerActions } from "@/components/server-actions";

/** The memo is checked with the rest, but is not part of the look-up: changing it never asks for a new one. */
const formSchema = lookUpSchema.extend({ memo: memoField });
type LookUpForm = z.input<typeof formSchema>;
type RetryOf = { id: number; reference: string; wallet: Wallet; phone: string; amount: number; memo: string | null };
/** A saved recipient as the form offers it (docs/recipients.md#paying-a-recipient). */
export type SavedRecipient = { id: number; label: string; wallet: Wallet; phone: string; ownerName: string; defaultAmount: number | null; defaultMemo: string | null };

function recipientValues(recipient: SavedRecipient) {
  return { wallet: recipient.wallet, phone: formatPhone(recipient.phone), amount: recipient.defaultAmount === null ? "" : String(recipient.defaultAmount), memo: recipient.defaultMemo ?? "" };
}

export function NewTransferForm({ retryOf, recipients = [], recipientId: initialRecipient }: { retryOf?: RetryOf; recipients?: SavedRecipient[]; recipientId?: number }) {
  const t = useTranslations("transfers.new");
  const common = useTranslations("common");
  const format = useFormat();
  const actions = useServerActions();
  const router = useRouter();
  const notify = useToast();
  // Both answers are shown in place (field errors, the owner's card, the review dialog), not in a toast.
  const lookUp = useAction({ quiet: true });
  const send = useAction({ quiet: true });
  const lookingUp = lookUp.pending;
  const sending = send.pending;
  const [lookedUp, setLookedUp] = useState<{ answer: LookUpAnswer; typed: string } | null>(null);
  const [lookUpError, setLookUpError] = useState<{ message: string; typed: string } | null>(null);
  const [reviewOpen, setReviewOpen] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);
  // The "separate payment" tick belongs to one look-up's answer: a new look-up asks again.
  const [separateFor, setSeparateFor] = useState<number | null>(null);
  // A saved recipient fills the form; it stays chosen while the wallet and number are still its own.
  const [recipientId, setRecipientId] = useState<number | null>(initialRecipient ?? null);
  // The new owner's name is confirmed for one look-up's answer, like the "separate payment" tick.
  const [newNameFor, setNewNameFor] = useState<number | null>(null);
  const [keepNewName, setKeepNewName] = useState(false);
  const initial = recipients.find((r) => r.id === initialRecipient);

  const form = useForm<LookUpForm, unknown, z.output<typeof formSchema>>({
    resolver: zodResolver(formSchema),
    defaultValues: retryOf
      ? { wallet: retryOf.wallet, phone: retryOf.phone, amount: String(retryOf.amount), memo: retryOf.memo ?? "" }
      : initial
        ? recipientValues(initial)
        : { wallet: "DANA", phone: "", amount: "", memo: "" },
  });
  const { errors } = form.formState;
  const values = useWatch({ control: form.control });
  // A look-up answers for exactly what was typed: change anything and it must be looked up again.
  const typed = JSON.stringify([values.wallet, values.phone, values.amount]);
  const answer = lookedUp?.typed === typed ? lookedUp.answer : null;
  const lookUpMessage = lookUpError?.typed === typed ? lookUpError.message : null;
  const possibleDuplicate = (answer?.nearDuplicates.length ?? 0) > 0;
  const separate = answer !== null && separateFor === answer.inquiryId;
  const typedPhone = phoneField.safeParse(values.phone ?? "");
  const recipient = recipients.find((r) => r.id === recipientId && r.wallet === values.wallet && typedPhone.success && typedPhone.data === r.phone) ?? null;
  // Cash In names the owner differently from the saved name: shown side by side, and the maker must confirm.
  const nameChanged = answer !== null && recipient !== null && !sameName(recipient.ownerName, answer.ownerName);
  const newNameConfirmed = nameChanged && newNameFor === answer.inquiryId;
  const blocked = (possibleDuplicate && !separate) || (nameChanged && !newNameConfirmed);

  const chooseRecipient = (id: string) => {
    const chosen = recipients.find((r) => String(r.id) === id);
    setRecipientId(chosen?.id ?? null);
    setKeepNewName(false);
    if (chosen) form.reset(recipientValues(chosen));
  };
  // After a look-up, the owner's name takes the focus (and the live region below says it), so a keyboard or
  // screen-reader user lands on the answer, not back on the form.
  const ownerName = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (lookedUp) ownerName.current?.focus();
  }, [lookedUp]);

  const amountHint = (raw: unknown) => {
    const parsed = lookUpSchema.shape.amount.safeParse(raw);
    return parsed.success ? t("amountRead", { amount: format.rupiah(parsed.data) }) : t("amountHint");
  };

  const onLookUp = form.handleSubmit(({ wallet, phone, amount }) => {
    setLookUpError(null);
    lookUp.run(
      () => actions.lookUpWallet({ wallet, phone, amount }),
      (result) => {
        if (result.ok) setLookedUp({ answer: result.data, typed });
        else if (!applyFieldErrors(form.setError, result, ["wallet", "phone", "amount"])) setLookUpError({ message: result.message, typed });
      },
    );
  });

  const onConfirm = () => {
    // The button is disabled while sending; a second click that slips through reuses the same look-up,
    // which the server turns into the same transfer, never a second one.
    if (!answer || sending || blocked) return;
    setSendError(null);
    // The memo may have been edited since the look-up: checked again here, and again on the server.
    const memo = memoField.safeParse(form.getValues("memo") ?? "");
    if (!memo.success) {
      const message = memo.error.issues[0]?.message ?? "";
      form.setError("memo", { type: "validate", message });
      return setSendError(message);
    }
    send.run(
      () =>
        actions.createTransfer({
          inquiryId: answer.inquiryId,
          wallet: answer.wallet,
          phone: answer.phone,
          amount: answer.amount,
          retryOf: retryOf?.id,
          separateFrom: separate ? answer.nearDuplicates.map((d) => d.id) : undefined,
          memo: memo.data ?? "",
          ...(recipient ? { recipientId: recipient.id, nameChangeAccepted: newNameConfirmed, updateRecipientName: newNameConfirmed && keepNewName } : {}),
        }),
      (result) => {
        if (!result.ok) return setSendError(result.message);
        const { status, reference, transferId } = result.data;
        notify({ tone: sentTone(status), title: t(`sent.${sentTitle(status)}`), description: result.message ?? t("sent.reference", { reference }) });
        router.push(`/transfers/${transferId}`);
      },
    );
  };

  return (
    <div className="grid max-w-4xl gap-5 lg:grid-cols-[minmax(0,28rem)_minmax(0,1fr)]">
      <form onSubmit={onLookUp} noValidate className="flex min-w-0 flex-col gap-4 rounded-lg border border-line bg-surface p-4 sm:p-5" aria-label={t("formLabel")}>
        {retryOf ? (
          <p className="rounded-md bg-info-soft px-3 py-2 text-sm break-words text-info">{t("retrying", { reference: retryOf.reference })}</p>
        ) : null}
        {recipients.length > 0 ? (
          <Field id="recipient" label={t("savedRecipient")} hint={recipient ? t("recipientChosen", { name: recipient.ownerName }) : t("savedRecipientHint")}>
            {(aria) => (
              <select {...aria} className={controlClass} value={recipient ? String(recipient.id) : ""} onChange={(event) => chooseRecipient(event.target.value)}>
                <option value="">{t("noRecipient")}</option>
                {recipients.map((r) => (
                  <option key={r.id} value={r.id}>
                    {t("recipientOption", { label: r.label, wallet: walletLabel[r.wallet], phone: formatPhone(r.phone) })}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <fieldset>
          <legend className="mb-1 text-xs font-medium">{t("eWallet")}</legend>
          <div className="grid grid-cols-2 gap-1.5 sm:grid-cols-4">
            {WALLETS.map((wallet) => (
              <label
                key={wallet}
                className={cn(
                  "flex h-9 cursor-pointer items-center justify-center rounded-md border border-line-strong text-sm has-focus-visible:outline-2 has-focus-visible:outline-brand",
                  values.wallet === wallet && "border-brand bg-brand-soft font-medium text-brand-strong",
                )}
              >
                <input type="radio" value={wallet} className="sr-only" {...form.register("wallet")} />
                {walletLabel[wallet]}
              </label>
            ))}
          </div>
          {errors.wallet ? <p className="mt-1 text-xs font-medium text-danger">{errors.wallet.message}</p> : null}
        </fieldset>
        <Field id="phone" label={t("phone")} hint={t("phoneHint")} error={errors.phone?.message}>
          {(aria) => <Input {...aria} inputMode="tel" autoComplete="off" placeholder={t("phonePlaceholder")} {...form.register("phone")} />}
        </Field>
        <Field id="amount" label={t("amount")} hint={amountHint(values.amount)} error={errors.amount?.message}>
          {(aria) => <Input {...aria} inputMode="numeric" autoComplete="off" placeholder={t("amountPlaceholder")} {...form.register("amount")} />}
        </Field>
        <Field id="memo" label={t("memo")} hint={t("memoHint", { max: maxMemoLength })} error={errors.memo?.message}>
          {(aria) => <Input {...aria} autoComplete="off" maxLength={maxMemoLength * 2} placeholder={t("memoPlaceholder")} {...form.register("memo")} />}
        </Field>
        {lookUpMessage ? (
          <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
            {lookUpMessage}
          </p>
        ) : null}
        <Button type="submit" disabled={lookingUp} variant={answer ? "secondary" : "primary"}>
          <Search aria-hidden />
          {lookingUp ? t("lookingUp") : t("lookUp")}
        </Button>
      </form>

      <p aria-live="polite" className="sr-only">
        {answer ? t("ownerAnnounced", { name: answer.ownerName }) : ""}
      </p>

      {answer ? (
        <section aria-labelledby="owner-heading" className="flex min-w-0 flex-col gap-4 self-start rounded-lg border border-ok/30 bg-surface p-4 sm:p-5">
          <div className="flex items-start gap-3">
            <span className="flex size-9 shrink-0 items-center justify-center rounded-full bg-ok-soft text-ok">
              <UserCheck aria-hidden className="size-5" />
            </span>
            <div className="min-w-0">
              <h2 id="owner-heading" className="text-xs font-medium text-ink-muted">
                {t("owner")}
              </h2>
              <p ref={ownerName} tabIndex={-1} className="rounded-sm text-lg font-semibold break-words" data-testid="owner-name">
                {answer.ownerName}
              </p>
              <p className="text-sm text-ink-muted">
                {walletLabel[answer.wallet]} · <span className="whitespace-nowrap">{formatPhone(answer.phone)}</span>
              </p>
            </div>
          </div>
          <MixedScriptWarning name={answer.ownerName} />
          {nameChanged ? <NameChange saved={recipient!.ownerName} now={answer.ownerName} label={recipient!.label} /> : null}
          <p className="text-sm text-ink-muted">{t("isThisThePerson")}</p>
          <Button onClick={() => setReviewOpen(true)}>{t("review")}</Button>
        </section>
      ) : null}

      <Dialog open={reviewOpen && answer !== null} onOpenChange={(open) => !sending && setReviewOpen(open)}>
        {answer ? (
          <DialogContent title={t("review")} description={t("reviewDescription")}>
            <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm sm:grid-cols-[8rem_minmax(0,1fr)]">
              <dt className="text-ink-muted">{t("eWallet")}</dt>
              <dd>{walletLabel[answer.wallet]}</dd>
              <dt className="text-ink-muted">{t("reviewPhone")}</dt>
              <dd className="font-mono">{formatPhone(answer.phone)}</dd>
              <dt className="text-ink-muted">{t("reviewOwner")}</dt>
              <dd className="font-semibold break-words">{answer.ownerName}</dd>
              <dt className="text-ink-muted">{t("reviewAmount")}</dt>
              <dd className="font-semibold tabular-nums">{format.rupiah(answer.amount)}</dd>
              <dt className="text-ink-muted">{t("reviewMemo")}</dt>
              <dd className="break-words" data-testid="review-memo">
                {values.memo?.trim() ? values.memo.trim() : <span className="text-ink-muted">{t("noMemo")}</span>}
              </dd>
              <dt className="text-ink-muted">{t("fee")}</dt>
              <dd>{t("noFee")}</dd>
              <dt className="text-ink-muted">{t("approval")}</dt>
              <dd>{answer.approvalsNeeded > 1 ? t("approvalsNeeded", { count: answer.approvalsNeeded }) : answer.needsApproval ? t("approvalNeeded") : t("approvalNotNeeded")}</dd>
            </dl>
            <div className="mt-4 flex flex-col gap-3 empty:hidden">
              <MixedScriptWarning name={answer.ownerName} />
              {nameChanged ? (
                <div className="rounded-md border border-warn/40 bg-warn-soft p-3 text-sm" data-testid="name-change">
                  <NameChange saved={recipient!.ownerName} now={answer.ownerName} label={recipient!.label} />
                  <label className="mt-3 flex cursor-pointer items-start gap-2 font-medium">
                    <input type="checkbox" className="mt-0.5 size-4 shrink-0" checked={newNameConfirmed} onChange={(event) => setNewNameFor(event.target.checked ? answer.inquiryId : null)} />
                    {t("confirmNewName", { name: answer.ownerName })}
                  </label>
                  <label className="mt-2 flex cursor-pointer items-start gap-2">
                    <input type="checkbox" className="mt-0.5 size-4 shrink-0" checked={keepNewName} disabled={!newNameConfirmed} onChange={(event) => setKeepNewName(event.target.checked)} />
                    {t("keepNewName", { label: recipient!.label, name: answer.ownerName })}
                  </label>
                </div>
              ) : null}
              {possibleDuplicate ? (
                <NearDuplicates
                  duplicates={answer.nearDuplicates}
                  checked={separate}
                  onCheckedChange={(checked) => setSeparateFor(checked ? answer.inquiryId : null)}
                  label={t("separatePayment", { amount: format.rupiah(answer.amount), name: answer.ownerName })}
                />
              ) : null}
            </div>
            {sendError ? (
              <p role="alert" className="mt-4 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
                {sendError}
              </p>
            ) : null}
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="secondary" disabled={sending}>
                  {common("back")}
                </Button>
              </DialogClose>
              <Button onClick={onConfirm} disabled={sending || blocked}>
                <SendHorizontal aria-hidden />
                {sending ? t("sending") : answer.needsApproval ? t("submitForApproval") : t("send")}
              </Button>
            </DialogFooter>
          </DialogContent>
        ) : null}
      </Dialog>
    </div>
  );
}

/** The saved owner's name beside the one Cash In gives now. */
function NameChange({ saved, now, label }: { saved: string; now: string; label: string }) {
  const t = useTranslations("transfers.new");
  return (
    <div role="note" className="text-sm">
      <p className="font-semibold text-warn">{t("nameChanged", { label })}</p>
      <dl className="mt-1 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-0.5">
        <dt className="text-ink-muted">{t("savedName")}</dt>
        <dd className="break-words">{saved}</dd>
        <dt className="text-ink-muted">{t("cashinNameNow")}</dt>
        <dd className="font-semibold break-words">{now}</dd>
      </dl>
    </div>
  );
}

/** Words that match facts (docs/lifecycle.md#paying-twice-is-impossible): "Sent" only when Cash In confirmed the transfer. */
function sentTitle(status: TransferStatus): "succeeded" | "awaitingApproval" | "failed" | "processing" {
  switch (status) {
    case "succeeded":
      return "succeeded";
    case "awaiting_approval":
      return "awaitingApproval";
    case "failed":
      return "failed";
    default:
      return "processing";
  }
}

function sentTone(status: TransferStatus): "ok" | "danger" | "info" {
  return status === "succeeded" || status === "awaiting_approval" ? "ok" : status === "failed" ? "danger" : "info";
}
