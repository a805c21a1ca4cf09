"use client";

import { Check, X } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { useAction } from "@/components/ui/use-action";
import type { Wallet } from "@/lib/cashin/protocol";
import type { NearDuplicate } from "@/lib/transfers/duplicates";
import { walletLabel } from "@/lib/transfers/wallets";
import { MixedScriptWarning } from "./name-warning";
import { NearDuplicates } from "./near-duplicates";
import { formatRupiah } from "@/lib/format";
import { useServerActions } from "@/components/server-actions";
import { SecondFactorField, useStepUp } from "@/components/auth/step-up";

export type QueueRow = {
  id: number;
  reference: string;
  wallet: Wallet;
  phone: string;
  amount: number;
  ownerName: string;
  makerName: string;
  ageMs: number;
  expiresInMs: number;
  own: boolean;
  /** Set when it came back to the queue: why (approved long ago, never sent) and what the fresh look-up found. */
  requeueNote: string | null;
  /** Other transfers of the same payment in the near-duplicate window: the approver ticks them too. */
  nearDuplicates: NearDuplicate[];
};

function duration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}

export function ApprovalQueue({ queue }: { queue: QueueRow[] }) {
  if (queue.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-line-strong bg-surface p-8 text-center text-sm text-ink-muted">
        Nothing waits for approval. Transfers at or above the threshold appear here as soon as they are submitted.
      </div>
    );
  }
  return (
    <Table aria-label="Transfers awaiting approval">
      <THead>
        <tr>
          <TH>Recipient</TH>
          <TH className="text-right">Amount</TH>
          <TH>Made by</TH>
          <TH className="text-right">Decision</TH>
        </tr>
      </THead>
      <TBody>
        {queue.map((transfer) => (
          <QueueRowView key={transfer.id} transfer={transfer} />
        ))}
      </TBody>
    </Table>
  );
}

type NameDrift = { confirmedName: string; currentName: string };

function QueueRowView({ transfer }: { transfer: QueueRow }) {
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

  return (
    <TR id={`transfer-${transfer.id}`} data-testid={`approval-${transfer.reference}`}>
      <TD className="py-1.5">
        <p className="font-medium">{transfer.ownerName}</p>
        <p className="text-xs text-ink-muted">
          {walletLabel[transfer.wallet]} · {transfer.phone}
        </p>
        <Link href={`/transfers/${transfer.id}`} className="font-mono text-xs text-brand hover:underline">
          {transfer.reference}
        </Link>
        {transfer.requeueNote ? <p className="mt-1 max-w-md text-xs text-warn">{transfer.requeueNote}</p> : null}
        <div className="mt-1 max-w-md empty:hidden">
          <MixedScriptWarning name={transfer.ownerName} />
        </div>
        {possibleDuplicate && !transfer.own ? (
          <div className="mt-1.5 max-w-md">
            <NearDuplicates
              duplicates={transfer.nearDuplicates}
              checked={separate}
              onCheckedChange={setSeparate}
              label="I checked: this is a separate payment"
            />
          </div>
        ) : null}
      </TD>
      <TD className="text-right font-semibold whitespace-nowrap tabular-nums">{formatRupiah(transfer.amount)}</TD>
      <TD className="py-1.5">
        <p className="whitespace-nowrap">
          {transfer.makerName}
          {transfer.own ? <span className="ml-1 text-xs text-ink-muted">(you)</span> : null}
        </p>
        <p className="text-xs text-ink-muted">
          waiting {duration(transfer.ageMs)} · expires in {duration(transfer.expiresInMs)}
        </p>
      </TD>
      <TD className="text-right">
        {transfer.own ? (
          <span className="text-xs text-ink-muted">Your own: another manager decides</span>
        ) : (
          <div className="flex justify-end gap-1.5">
            <RejectDialog transfer={transfer} />
            <Button size="sm" disabled={approve.pending || (possibleDuplicate && !separate)} onClick={openConfirm} aria-label={`Approve ${transfer.reference}`}>
              <Check aria-hidden />
              {approve.pending ? "Approving…" : "Approve"}
            </Button>
          </div>
        )}
        <Dialog open={confirming} onOpenChange={setConfirming}>
          {confirming ? (
            <DialogContent
              title={`Approve ${formatRupiah(transfer.amount)} to ${transfer.ownerName}?`}
              description="Approving sends the money at once. The wallet is looked up again first: a changed name is shown to you before anything is sent."
            >
              <form
                noValidate
                onSubmit={(event) => {
                  event.preventDefault();
                  runApprove();
                }}
              >
                <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm" aria-label="Transfer to approve">
                  <dt className="text-ink-muted">Recipient</dt>
                  <dd className="font-semibold">{transfer.ownerName}</dd>
                  <dt className="text-ink-muted">E-wallet</dt>
                  <dd>
                    {walletLabel[transfer.wallet]} · {transfer.phone}
                  </dd>
                  <dt className="text-ink-muted">Amount</dt>
                  <dd className="font-semibold tabular-nums">{formatRupiah(transfer.amount)}</dd>
                  <dt className="text-ink-muted">Made by</dt>
                  <dd>{transfer.makerName}</dd>
                  <dt className="text-ink-muted">Name check</dt>
                  <dd>
                    Cash In named the owner {transfer.ownerName} when {transfer.makerName} looked the wallet up; the maker confirmed it.
                    <div className="empty:hidden">
                      <MixedScriptWarning name={transfer.ownerName} />
                    </div>
                  </dd>
                  {possibleDuplicate ? (
                    <>
                      <dt className="text-ink-muted">Duplicates</dt>
                      <dd>You checked: this is a separate payment from {transfer.nearDuplicates.length} similar one(s).</dd>
                    </>
                  ) : null}
                </dl>
                {askCode ? <SecondFactorField value={code} onChange={setCode} error={codeError} autoFocus /> : null}
                <DialogFooter>
                  <DialogClose asChild>
                    <Button variant="secondary">Cancel</Button>
                  </DialogClose>
                  <Button type="submit" disabled={approve.pending || (askCode && code.trim() === "")}>
                    {approve.pending ? "Approving…" : "Approve and send"}
                  </Button>
                </DialogFooter>
              </form>
            </DialogContent>
          ) : null}
        </Dialog>
        <Dialog open={drift !== null} onOpenChange={(open) => !open && setDrift(null)}>
          {drift ? (
            <DialogContent title="The wallet owner's name changed" description="Cash In now reports another name for this wallet than the one the maker confirmed.">
              <div className="grid grid-cols-2 gap-3 text-sm">
                <div className="rounded-md border border-line p-3">
                  <p className="text-xs text-ink-muted">Confirmed by the maker</p>
                  <p className="font-semibold" data-testid="confirmed-name">
                    {drift.confirmedName}
                  </p>
                </div>
                <div className="rounded-md border border-warn/40 bg-warn-soft p-3">
                  <p className="text-xs text-warn">Registered now</p>
                  <p className="font-semibold" data-testid="current-name">
                    {drift.currentName}
                  </p>
                </div>
              </div>
              <label className="mt-4 flex items-start gap-2 text-sm">
                <input type="checkbox" className="mt-0.5 size-4" checked={acknowledged} onChange={(event) => setAcknowledged(event.target.checked)} />
                I checked that {drift.currentName} is the right recipient of {formatRupiah(transfer.amount)}.
              </label>
              <DialogFooter>
                <DialogClose asChild>
                  <Button variant="secondary">Not now</Button>
                </DialogClose>
                <Button disabled={!acknowledged || approve.pending} onClick={() => runApprove(drift.currentName)}>
                  Approve and send to {drift.currentName}
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
  const actions = useServerActions();
  return (
    <ReasonDialog
      trigger={(open) => (
        <Button variant="secondary" size="sm" aria-label={`Reject ${transfer.reference}`} onClick={open}>
          <X aria-hidden />
          Reject
        </Button>
      )}
      title={`Reject ${formatRupiah(transfer.amount)} to ${transfer.ownerName}`}
      description="The maker sees your reason. Nothing is sent."
      label="Reason"
      keep="Cancel"
      confirm="Reject transfer"
      pendingLabel="Rejecting…"
      stepUp
      send={(reason, stepUp) => actions.rejectTransfer({ transferId: transfer.id, reason: reason ?? "", ...stepUp })}
    />
  );
}
