"use client";

import { applyFieldErrors } from "@/components/ui/form-errors";
import { zodResolver } from "@hookform/resolvers/zod";
import { Search, SendHorizontal, UserCheck } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { useAction } from "@/components/ui/use-action";
import { WALLETS, type Wallet } from "@/lib/cashin/protocol";
import { cn } from "@/lib/cn";
import type { LookUpAnswer } from "@/lib/transfers/inquiry";
import { lookUpSchema } from "@/lib/transfers/schemas";
import type { TransferStatus } from "@/lib/transfers/status";
import { walletLabel } from "@/lib/transfers/wallets";
import { MixedScriptWarning } from "./name-warning";
import { NearDuplicates } from "./near-duplicates";
import { formatRupiah } from "@/lib/format";
import { useServerActions } from "@/components/server-actions";

type LookUpForm = z.input<typeof lookUpSchema>;
type RetryOf = { id: number; reference: string; wallet: Wallet; phone: string; amount: number };

export function NewTransferForm({ retryOf }: { retryOf?: RetryOf }) {
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

  const form = useForm<LookUpForm, unknown, z.output<typeof lookUpSchema>>({
    resolver: zodResolver(lookUpSchema),
    defaultValues: retryOf
      ? { wallet: retryOf.wallet, phone: retryOf.phone, amount: String(retryOf.amount) }
      : { wallet: "DANA", phone: "", amount: "" },
  });
  const { errors } = form.formState;
  const values = useWatch({ control: form.control });
  // A look-up answers for exactly what was typed: change anything and it must be looked up again.
  const typed = JSON.stringify([values.wallet, values.phone, values.amount]);
  const answer = lookedUp?.typed === typed ? lookedUp.answer : null;
  const lookUpMessage = lookUpError?.typed === typed ? lookUpError.message : null;
  const possibleDuplicate = (answer?.nearDuplicates.length ?? 0) > 0;
  const separate = answer !== null && separateFor === answer.inquiryId;

  const onLookUp = form.handleSubmit((input) => {
    setLookUpError(null);
    lookUp.run(
      () => actions.lookUpWallet(input),
      (result) => {
        if (result.ok) setLookedUp({ answer: result.data, typed });
        else if (!applyFieldErrors(form.setError, result, ["wallet", "phone", "amount"])) setLookUpError({ message: result.message, typed });
      },
    );
  });

  const onConfirm = () => {
    // The button is disabled while sending; a second click that slips through reuses the same look-up,
    // which the server turns into the same transfer, never a second one.
    if (!answer || sending || (possibleDuplicate && !separate)) return;
    setSendError(null);
    send.run(
      () =>
        actions.createTransfer({
          inquiryId: answer.inquiryId,
          wallet: answer.wallet,
          phone: answer.phone,
          amount: answer.amount,
          retryOf: retryOf?.id,
          separateFrom: separate ? answer.nearDuplicates.map((d) => d.id) : undefined,
        }),
      (result) => {
        if (!result.ok) return setSendError(result.message);
        const { status, reference, transferId } = result.data;
        notify({ ...sentToast(status), description: result.message ?? `Reference ${reference}` });
        router.push(`/transfers/${transferId}`);
      },
    );
  };

  return (
    <div className="grid max-w-4xl gap-5 lg:grid-cols-[minmax(0,28rem)_minmax(0,1fr)]">
      <form onSubmit={onLookUp} noValidate className="flex flex-col gap-4 rounded-lg border border-line bg-surface p-5" aria-label="Transfer details">
        {retryOf ? (
          <p className="rounded-md bg-info-soft px-3 py-2 text-sm text-info">
            Retrying failed transfer {retryOf.reference} as a new transfer: look the wallet up again to confirm it.
          </p>
        ) : null}
        <fieldset>
          <legend className="mb-1 text-xs font-medium">E-wallet</legend>
          <div className="grid grid-cols-4 gap-1.5">
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
        <Field id="phone" label="Phone number" hint="As the owner gave it: 0812…, +62 812… or 62812…" error={errors.phone?.message}>
          {(aria) => <Input {...aria} inputMode="tel" autoComplete="off" placeholder="0812 3456 7890" {...form.register("phone")} />}
        </Field>
        <Field
          id="amount"
          label="Amount (Rp)"
          hint={amountHint(values.amount)}
          error={errors.amount?.message}
        >
          {(aria) => <Input {...aria} inputMode="numeric" autoComplete="off" placeholder="50.000" {...form.register("amount")} />}
        </Field>
        {lookUpMessage ? (
          <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
            {lookUpMessage}
          </p>
        ) : null}
        <Button type="submit" disabled={lookingUp} variant={answer ? "secondary" : "primary"}>
          <Search aria-hidden />
          {lookingUp ? "Looking up…" : "Look up"}
        </Button>
      </form>

      {answer ? (
        <section aria-labelledby="owner-heading" className="flex flex-col gap-4 self-start rounded-lg border border-ok/30 bg-surface p-5">
          <div className="flex items-start gap-3">
            <span className="flex size-9 items-center justify-center rounded-full bg-ok-soft text-ok">
              <UserCheck aria-hidden className="size-5" />
            </span>
            <div>
              <h2 id="owner-heading" className="text-xs font-medium text-ink-muted">
                Wallet owner
              </h2>
              <p className="text-lg font-semibold" data-testid="owner-name">
                {answer.ownerName}
              </p>
              <p className="text-sm text-ink-muted">
                {walletLabel[answer.wallet]} · {answer.phone}
              </p>
            </div>
          </div>
          <MixedScriptWarning name={answer.ownerName} />
          <p className="text-sm text-ink-muted">Is this the person you mean to pay? If not, check the number and the e-wallet.</p>
          <Button onClick={() => setReviewOpen(true)}>Review transfer</Button>
        </section>
      ) : null}

      <Dialog open={reviewOpen && answer !== null} onOpenChange={(open) => !sending && setReviewOpen(open)}>
        {answer ? (
          <DialogContent title="Review transfer" description="Check every line: money sent to a wallet cannot be pulled back from here.">
            <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-2 text-sm">
              <dt className="text-ink-muted">E-wallet</dt>
              <dd>{walletLabel[answer.wallet]}</dd>
              <dt className="text-ink-muted">Phone</dt>
              <dd className="font-mono">{answer.phone}</dd>
              <dt className="text-ink-muted">Owner</dt>
              <dd className="font-semibold">{answer.ownerName}</dd>
              <dt className="text-ink-muted">Amount</dt>
              <dd className="font-semibold tabular-nums">{formatRupiah(answer.amount)}</dd>
              <dt className="text-ink-muted">Fee</dt>
              <dd>None charged by this app</dd>
              <dt className="text-ink-muted">Approval</dt>
              <dd>{answer.needsApproval ? "Needed: a manager approves before it is sent" : "Not needed: sent at once"}</dd>
            </dl>
            <div className="mt-4 flex flex-col gap-3 empty:hidden">
              <MixedScriptWarning name={answer.ownerName} />
              {possibleDuplicate ? (
                <NearDuplicates
                  duplicates={answer.nearDuplicates}
                  checked={separate}
                  onCheckedChange={(checked) => setSeparateFor(checked ? answer.inquiryId : null)}
                  label={`This is a separate payment: send ${formatRupiah(answer.amount)} to ${answer.ownerName} again`}
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
                  Back
                </Button>
              </DialogClose>
              <Button onClick={onConfirm} disabled={sending || (possibleDuplicate && !separate)}>
                <SendHorizontal aria-hidden />
                {sending ? "Sending…" : answer.needsApproval ? "Submit for approval" : "Send"}
              </Button>
            </DialogFooter>
          </DialogContent>
        ) : null}
      </Dialog>
    </div>
  );
}

/** Words that match facts (docs/lifecycle.md#paying-twice-is-impossible): "Sent" only when Cash In confirmed the transfer. */
function sentToast(status: TransferStatus): { tone: "ok" | "danger" | "info"; title: string } {
  switch (status) {
    case "succeeded":
      return { tone: "ok", title: "Sent" };
    case "awaiting_approval":
      return { tone: "ok", title: "Submitted for approval" };
    case "failed":
      return { tone: "danger", title: "The transfer failed" };
    default:
      return { tone: "info", title: "Sent, waiting for Cash In to confirm" };
  }
}

function amountHint(raw: unknown): string {
  const parsed = lookUpSchema.shape.amount.safeParse(raw);
  return parsed.success ? `${formatRupiah(parsed.data)}, whole rupiah` : "Whole rupiah, with or without dots: 50000 or 50.000";
}
