"use client";

import { Check, X } from "lucide-react";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useState } from "react";
import { useFormat } from "@/components/i18n/use-format";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { useAction } from "@/components/ui/use-action";
import type { Wallet } from "@/lib/cashin/protocol";
import type { NearDuplicate } from "@/lib/transfers/duplicates";
import type { ApprovalProgress } from "@/lib/policies/tiers";
import { walletLabel } from "@/lib/transfers/wallets";
import { cn } from "@/lib/cn";
import { MixedScriptWarning } from "./name-warning";
import { NearDuplicates } from "./near-duplicates";
import { formatPhone } from "@/lib/phone-display";
import { useServerActions } from "@/components/server-actions";
import { SecondFactorField, useStepUp } from "@/components/auth/step-up";

export type QueueRow = {
  id: number;
  reference: string;
  wallet: Wallet;
  phone: string;
  amount: number;
  ownerName: string;
  memo: string | null;
  makerName: string;
  ageMs: number;
  expiresInMs: number;
  own: boolean;
  /** Set when it came back to the queue: why (approved long ago, never sent) and what the fresh look-up found. */
  requeueNote: string | null;
  /** Other transfers of the same payment in the near-duplicate window: the approver ticks them too. */
  nearDuplicates: NearDuplicate[];
  /** Its tier's approvals so far (docs/policies.md#approval-tiers); `mine`: this manager gave one of them. */
  approvals: ApprovalProgress & { mine: boolean };
};

/** "12 min", "2 h 5 min": how long a transfer has waited, or has left. */
function useDuration() {
  const t = useTranslations("approvals.duration");
  return (ms: number): string => {
    const minutes = Math.max(0, Math.floor(ms / 60_000));
    if (minutes < 60) return t("minutes", { minutes });
    return t("hours", { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
  };
}

/**
 * Below `md` the table's rows stack as cards (one DOM, so each row keeps its dialogs and state): the recipient,
 * the amount, who made it and the decision buttons, all within a phone's width.
 */
const stack = "max-md:block max-md:h-auto max-md:px-0 max-md:py-0 max-md:text-left";

export function ApprovalQueue({ queue }: { queue: QueueRow[] }) {
  const t = useTranslations("approvals.queue");
  if (queue.length === 0) {
    return <div className="rounded-lg border border-dashed border-line-strong bg-surface p-8 text-center text-sm text-ink-muted">{t("empty")}</div>;
  }
  return (
    <Table aria-label={t("label")} className="max-md:block">
      <THead className="max-md:sr-only">
        <tr>
          <TH>{t("recipient")}</TH>
          <TH className="text-right">{t("amount")}</TH>
          <TH>{t("madeBy")}</TH>
          <TH className="text-right">{t("decision")}</TH>
        </tr>
      </THead>
      <TBody className="max-md:block">
        {queue.map((transfer) => (
          <QueueRowView key={transfer.id} transfer={transfer} />
        ))}
      </TBody>
    </Table>
  );
}

type NameDrift = { confirmedName: string; currentName: string };

function QueueRowView({ transfer }: { transfer: QueueRow }) {
  const t = useTranslations("approvals.queue");
  const common = useTranslations("common");
  const format = useFormat();
  const duration = useDuration();
  const actions = useServerActions();
  const stepUp = useStepUp();
  // The dialogs carry their own code field (docs/sign-in.md#step-up), so the action's step-up refusal lands there.
  const approve = useAction({ embedded: true });
  const [confirming, setConfirming] = useState(false);
  const [askCode, setAskCode] = useState(false);
  const [code, setCode] = useState("");
  const [codeError, setCodeError] = useState<string | undefined>();
  const [drift, setDrift] = useState<NameDrift | null>(null);
  const [acknowledged, setAcknowledged] = useState(false);
  const [separate, setSeparate] = useState(false);
  const possibleDuplicate = transfer.nearDuplicates.length > 0;

  const openConfirm = () => {
    setCode("");
    setCodeError(undefined);
    setAskCode(Boolean(stepUp?.needsCode()));
    setConfirming(true);
  };

  const runApprove = (acknowledgedName?: string) => {
    const typed = askCode && code.trim() !== "" ? code.trim() : undefined;
    approve.run(
      () =>
        actions.approveTransfer({
          transferId: transfer.id,
          acknowledgedName,
          duplicatesChecked: separate ? transfer.nearDuplicates.map((d) => d.id) : undefined,
          ...(typed ? { secondFactorCode: typed } : {}),
        }),
      (result) => {
        if (!result.ok && result.code === "step_up") {
          setAskCode(true);
          setCode("");
          setCodeError(typed ? result.message : undefined);
          if (drift) {
            setDrift(null);
            setConfirming(true);
          }
          return;
        }
        if (result.ok && typed) stepUp?.proved();
        setConfirming(false);
        if (result.ok && result.data.outcome === "name_changed") {
          setAcknowledged(false);
          setDrift({ confirmedName: result.data.confirmedName, currentName: result.data.currentName });
        } else if (result.ok) {
          setDrift(null);
        }
      },
    );
  };

  const amount = format.rupiah(transfer.amount);
  // Only the last approval the tier asks for sends it; an earlier one is recorded and it keeps waiting.
  const lastApproval = transfer.approvals.given + 1 >= transfer.approvals.needed;
  return (
    <TR id={`transfer-${transfer.id}`} data-testid={`approval-${transfer.reference}`} className="max-md:flex max-md:flex-col max-md:gap-2 max-md:p-3">
      <TD className={cn("py-1.5", stack)}>
        <p className="font-medium break-words">{transfer.ownerName}</p>
        <p className="text-xs text-ink-muted">
          {walletLabel[transfer.wallet]} · <span className="whitespace-nowrap">{formatPhone(transfer.phone)}</span>
        </p>
        <Link href={`/transfers/${transfer.id}`} prefetch={false} className="font-mono text-xs break-all text-brand hover:underline">
          {transfer.reference}
        </Link>
        {transfer.memo ? <p className="max-w-md text-xs break-words">{t("memo", { memo: transfer.memo })}</p> : null}
        {transfer.requeueNote ? <p className="mt-1 max-w-md text-xs text-warn">{transfer.requeueNote}</p> : null}
        <div className="mt-1 max-w-md empty:hidden">
          <MixedScriptWarning name={transfer.ownerName} />
        </div>
        {possibleDuplicate && !transfer.own ? (
          <div className="mt-1.5 max-w-md">
            <NearDuplicates duplicates={transfer.nearDuplicates} checked={separate} onCheckedChange={setSeparate} label={t("separatePayment")} />
          </div>
        ) : null}
      </TD>
      <TD className={cn("text-right font-semibold whitespace-nowrap tabular-nums max-md:text-base", stack)}>
        <span aria-hidden className="mr-2 text-xs font-normal text-ink-muted md:hidden">
          {t("amount")}
        </span>
        {amount}
      </TD>
      <TD className={cn("py-1.5", stack)}>
        <p className="whitespace-nowrap max-md:whitespace-normal">
          <span aria-hidden className="mr-2 text-xs text-ink-muted md:hidden">
            {t("madeBy")}
          </span>
          {transfer.makerName}
          {transfer.own ? <span className="ml-1 text-xs text-ink-muted">{t("you")}</span> : null}
        </p>
        <p className="text-xs text-ink-muted">{t("waiting", { age: duration(transfer.ageMs), left: duration(transfer.expiresInMs) })}</p>
        <ApprovalProgressNote progress={transfer.approvals} />
      </TD>
      <TD className={cn("text-right", stack)}>
        {transfer.own ? (
          <span className="text-xs text-ink-muted">{t("own")}</span>
        ) : transfer.approvals.mine ? (
          <div className="flex items-center justify-end gap-1.5 max-md:justify-stretch max-md:gap-2">
            <span className="text-xs text-ink-muted">{t("tiers.youApproved", { left: transfer.approvals.needed - transfer.approvals.given })}</span>
            <RejectDialog transfer={transfer} />
          </div>
        ) : (
          <div className="flex justify-end gap-1.5 max-md:justify-stretch max-md:gap-2">
            <RejectDialog transfer={transfer} />
            <Button
              size="sm"
              className="max-md:h-10 max-md:flex-1 max-md:text-sm"
              disabled={approve.pending || (possibleDuplicate && !separate)}
              onClick={openConfirm}
              aria-label={t("approveOf", { reference: transfer.reference })}
            >
              <Check aria-hidden />
              {approve.pending ? t("approving") : t("approve")}
            </Button>
          </div>
        )}
        <Dialog open={confirming} onOpenChange={setConfirming}>
          {confirming ? (
            <DialogContent title={t("confirmTitle", { amount, name: transfer.ownerName })} description={t("confirmDescription")}>
              <form
                noValidate
                onSubmit={(event) => {
                  event.preventDefault();
                  runApprove();
                }}
              >
                <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1.5 text-sm" aria-label={t("detailsLabel")}>
                  <dt className="text-ink-muted">{t("recipient")}</dt>
                  <dd className="font-semibold break-words">{transfer.ownerName}</dd>
                  <dt className="text-ink-muted">{t("eWallet")}</dt>
                  <dd>
                    {walletLabel[transfer.wallet]} · <span className="whitespace-nowrap">{formatPhone(transfer.phone)}</span>
                  </dd>
                  <dt className="text-ink-muted">{t("amount")}</dt>
                  <dd className="font-semibold tabular-nums">{amount}</dd>
                  {transfer.memo ? (
                    <>
                      <dt className="text-ink-muted">{t("memoLabel")}</dt>
                      <dd className="break-words">{transfer.memo}</dd>
                    </>
                  ) : null}
                  <dt className="text-ink-muted">{t("madeBy")}</dt>
                  <dd className="break-words">{transfer.makerName}</dd>
                  <dt className="text-ink-muted">{t("nameCheck")}</dt>
                  <dd className="break-words">
                    {t("nameChecked", { owner: transfer.ownerName, maker: transfer.makerName })}
                    <div className="empty:hidden">
                      <MixedScriptWarning name={transfer.ownerName} />
                    </div>
                  </dd>
                  {possibleDuplicate ? (
                    <>
                      <dt className="text-ink-muted">{t("duplicates")}</dt>
                      <dd>{t("duplicatesChecked", { count: transfer.nearDuplicates.length })}</dd>
                    </>
                  ) : null}
                </dl>
                {askCode ? <SecondFactorField value={code} onChange={setCode} error={codeError} autoFocus /> : null}
                <DialogFooter>
                  <DialogClose asChild>
                    <Button variant="secondary">{common("cancel")}</Button>
                  </DialogClose>
                  <Button type="submit" disabled={approve.pending || (askCode && code.trim() === "")}>
                    {approve.pending ? t("approving") : lastApproval ? t("approveAndSend") : t("tiers.approveOnly", { given: transfer.approvals.given + 1, needed: transfer.approvals.needed })}
                  </Button>
                </DialogFooter>
              </form>
            </DialogContent>
          ) : null}
        </Dialog>
        <Dialog open={drift !== null} onOpenChange={(open) => !open && setDrift(null)}>
          {drift ? (
            <DialogContent title={t("driftTitle")} description={t("driftDescription")}>
              <div className="grid grid-cols-1 gap-3 text-sm sm:grid-cols-2">
                <div className="rounded-md border border-line p-3">
                  <p className="text-xs text-ink-muted">{t("driftConfirmed")}</p>
                  <p className="font-semibold break-words" data-testid="confirmed-name">
                    {drift.confirmedName}
                  </p>
                </div>
                <div className="rounded-md border border-warn/40 bg-warn-soft p-3">
                  <p className="text-xs text-warn">{t("driftCurrent")}</p>
                  <p className="font-semibold break-words" data-testid="current-name">
                    {drift.currentName}
                  </p>
                </div>
              </div>
              <label className="mt-4 flex cursor-pointer items-start gap-2 text-sm">
                <input type="checkbox" className="mt-0.5 size-4 shrink-0" checked={acknowledged} onChange={(event) => setAcknowledged(event.target.checked)} />
                {t("driftAcknowledge", { name: drift.currentName, amount })}
              </label>
              <DialogFooter>
                <DialogClose asChild>
                  <Button variant="secondary">{t("notNow")}</Button>
                </DialogClose>
                <Button disabled={!acknowledged || approve.pending} onClick={() => runApprove(drift.currentName)}>
                  {t("approveAndSendTo", { name: drift.currentName })}
                </Button>
              </DialogFooter>
            </DialogContent>
          ) : null}
        </Dialog>
      </TD>
    </TR>
  );
}

function RejectDialog({ transfer }: { transfer: QueueRow }) {
  const t = useTranslations("approvals.queue");
  const common = useTranslations("common");
  const format = useFormat();
  const actions = useServerActions();
  return (
    <ReasonDialog
      trigger={(open) => (
        <Button variant="secondary" size="sm" className="max-md:h-10 max-md:flex-1 max-md:text-sm" aria-label={t("rejectOf", { reference: transfer.reference })} onClick={open}>
          <X aria-hidden />
          {t("reject")}
        </Button>
      )}
      title={t("rejectTitle", { amount: format.rupiah(transfer.amount), name: transfer.ownerName })}
      description={t("rejectDescription")}
      label={t("reason")}
      keep={common("cancel")}
      confirm={t("rejectConfirm")}
      pendingLabel={t("rejecting")}
      stepUp
      send={(reason, stepUp) => actions.rejectTransfer({ transferId: transfer.id, reason: reason ?? "", ...stepUp })}
    />
  );
}

/** "1 of 2 approvals: Bambang", and who the rest must include, for a tier that asks for more than one (docs/policies.md#approval-tiers). */
export function ApprovalProgressNote({ progress }: { progress: ApprovalProgress }) {
  const t = useTranslations("approvals.queue.tiers");
  if (progress.needed <= 1 && progress.namedNeeded === 0) return null;
  const namedGiven = progress.approvers.filter((a) => progress.named.some((n) => n.id === a.id)).length;
  const namedLeft = Math.max(0, progress.namedNeeded - namedGiven);
  return (
    <div className="mt-1 text-xs" data-testid="approval-progress">
      <p className="font-medium">{t("progress", { given: progress.given, needed: progress.needed })}</p>
      {progress.approvers.length > 0 ? <p className="text-ink-muted">{t("approvedBy", { names: progress.approvers.map((a) => a.name).join(", ") })}</p> : null}
      {namedLeft > 0 ? <p className="text-ink-muted">{t("namedLeft", { count: namedLeft, names: progress.named.map((n) => n.name).join(", ") })}</p> : null}
    </div>
  );
}
