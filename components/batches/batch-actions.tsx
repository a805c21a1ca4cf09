"use client";

import { Ban, Check, Play, SendHorizontal, X } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { useAction } from "@/components/ui/use-action";
import type { BatchStatus } from "@/lib/batches/labels";
import type { NameDrift } from "@/lib/batches/decide";
import { formatNumber, formatRupiah } from "@/lib/format";
import { useServerActions } from "@/components/server-actions";

export type BatchActionProps = {
  batch: { id: number; reference: string; status: BatchStatus };
  rows: number;
  total: number;
  /** Rows that are invalid or whose wallet was not confirmed: they block submitting. */
  blocking: number;
  /** Rows that repeat an earlier row or a recent payment: the maker accepts them, the approver ticks them. */
  duplicates: number;
  needsApproval: boolean;
  canSubmit: boolean;
  canCancel: boolean;
  canDecide: boolean;
  /** Sending stopped long ago (a crash) and this person may confirm that the rest is sent. */
  canResume: boolean;
};

const transfersText = (n: number) => `${formatNumber(n)} ${n === 1 ? "transfer" : "transfers"}`;

/** What the person looking at a batch can do with it now: submit or cancel it (its maker), approve or reject it (another manager). */
export function BatchActions(props: BatchActionProps) {
  return (
    <>
      {props.canCancel ? <CancelBatch {...props} /> : null}
      {props.canDecide ? <RejectBatch {...props} /> : null}
      {props.canDecide ? <ApproveBatch {...props} /> : null}
      {props.canSubmit ? <SubmitBatch {...props} /> : null}
      {props.canResume ? <ResumeBatch {...props} /> : null}
    </>
  );
}

function useDone() {
  const router = useRouter();
  const action = useAction();
  return { ...action, refresh: () => router.refresh() };
}

function SubmitBatch({ batch, rows, total, blocking, duplicates, needsApproval }: BatchActionProps) {
  const actions = useServerActions();
  const [open, setOpen] = useState(false);
  const [acceptDuplicates, setAcceptDuplicates] = useState(false);
  const { pending, run, refresh } = useDone();
  const checking = batch.status === "checking";
  const blocked = checking || blocking > 0 || rows === 0;
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Button disabled={blocked} onClick={() => setOpen(true)} aria-haspopup="dialog" title={blocked ? (checking ? "Wait until every row is checked" : "Fix or remove the rows needing attention first") : undefined}>
        <SendHorizontal aria-hidden />
        Submit batch
      </Button>
      <DialogContent
        title={`Submit ${transfersText(rows)}?`}
        description={
          needsApproval
            ? `They total ${formatRupiah(total)}, at or above the approval threshold: a manager approves the batch before anything is sent.`
            : `They total ${formatRupiah(total)}, under the approval threshold: they are sent to Cash In right away.`
        }
      >
        {duplicates > 0 ? (
          <label className="flex items-start gap-2 rounded-md border border-warn/40 bg-warn-soft p-3 text-sm">
            <input type="checkbox" className="mt-0.5 size-4" checked={acceptDuplicates} onChange={(e) => setAcceptDuplicates(e.currentTarget.checked)} />
            {duplicates === 1 ? "1 row repeats" : `${formatNumber(duplicates)} rows repeat`} an earlier row or a recent payment (same e-wallet, phone and
            amount). I mean to pay these people more than once.
          </label>
        ) : null}
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary">Not yet</Button>
          </DialogClose>
          <Button
            disabled={pending || (duplicates > 0 && !acceptDuplicates)}
            onClick={() =>
              run(
                () => actions.submitBatch({ batchId: batch.id, acceptDuplicates, duplicatesShown: duplicates }),
                (result) => {
                  if (result.ok) setOpen(false);
                  refresh();
                },
              )
            }
          >
            {pending ? "Submitting…" : needsApproval ? "Submit for approval" : "Submit and send"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function ApproveBatch({ batch, rows, total, duplicates }: BatchActionProps) {
  const actions = useServerActions();
  const [open, setOpen] = useState(false);
  const [checked, setChecked] = useState(false);
  const [drift, setDrift] = useState<{ count: number; rows: NameDrift[] } | null>(null);
  const [acknowledged, setAcknowledged] = useState(false);
  const { pending, run, refresh } = useDone();
  const approve = () =>
    run(
      (stepUp) => actions.approveBatch({ batchId: batch.id, duplicatesChecked: checked ? duplicates : undefined, acknowledgedDrift: drift && acknowledged ? drift.count : undefined, ...stepUp }),
      (result) => {
        if (result.ok && result.data.outcome === "name_changed") {
          setAcknowledged(false);
          setDrift({ count: result.data.count, rows: result.data.rows });
          return;
        }
        if (result.ok) setOpen(false);
        refresh();
      },
    );
  const blocked = pending || (duplicates > 0 && !checked) || (drift !== null && !acknowledged);
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setDrift(null);
      }}
    >
      <Button onClick={() => setOpen(true)} aria-haspopup="dialog">
        <Check aria-hidden />
        Approve batch
      </Button>
      <DialogContent
        title={`Approve ${batch.reference}?`}
        description={`${transfersText(rows)} totalling ${formatRupiah(total)} are sent to Cash In once you approve. Look-ups older than 15 minutes are redone first.`}
      >
        <div className="flex flex-col gap-3 empty:hidden">
          {duplicates > 0 ? (
            <label className="flex items-start gap-2 rounded-md border border-warn/40 bg-warn-soft p-3 text-sm" data-testid="approve-duplicates">
              <input type="checkbox" className="mt-0.5 size-4" checked={checked} onChange={(e) => setChecked(e.currentTarget.checked)} />
              {duplicates === 1 ? "1 row is" : `${formatNumber(duplicates)} rows are`} flagged as a possible duplicate (a repeated row or a recent payment to the same
              person; the maker accepted them). I checked {duplicates === 1 ? "it" : "them"}.
            </label>
          ) : null}
          {drift ? (
            <div className="rounded-md border border-warn/40 bg-warn-soft p-3 text-sm" data-testid="batch-name-drift">
              <p className="font-semibold text-warn">
                {drift.count === 1 ? "1 owner name changed" : `${formatNumber(drift.count)} owner names changed`} since the maker confirmed them
              </p>
              <ul className="mt-1 max-h-48 overflow-auto">
                {drift.rows.map((row) => (
                  <li key={row.line}>
                    Line {row.line}: <span className="line-through">{row.confirmedName}</span> → <strong>{row.currentName}</strong>
                  </li>
                ))}
              </ul>
              <label className="mt-2 flex items-start gap-2 font-medium">
                <input type="checkbox" className="mt-0.5 size-4" checked={acknowledged} onChange={(e) => setAcknowledged(e.currentTarget.checked)} />
                I checked that these are the right recipients.
              </label>
            </div>
          ) : null}
        </div>
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary">Not now</Button>
          </DialogClose>
          <Button disabled={blocked} onClick={approve}>
            {pending ? "Approving…" : `Approve and send ${formatRupiah(total)}`}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

/** Sending stopped for more than 15 minutes (the app was down): a person confirms before the rest goes out. */
function ResumeBatch({ batch }: BatchActionProps) {
  const actions = useServerActions();
  const { pending, run, refresh } = useDone();
  return (
    <Button disabled={pending} onClick={() => run(() => actions.resumeBatch({ batchId: batch.id }), refresh)}>
      <Play aria-hidden />
      {pending ? "Confirming…" : "Send the rest"}
    </Button>
  );
}

function RejectBatch({ batch }: BatchActionProps) {
  const actions = useServerActions();
  const router = useRouter();
  return (
    <ReasonDialog
      trigger={(open) => (
        <Button variant="secondary" onClick={open} aria-haspopup="dialog">
          <X aria-hidden />
          Reject batch
        </Button>
      )}
      title={`Reject ${batch.reference}?`}
      description="None of its transfers is sent. The maker sees your reason."
      label="Reason"
      confirm="Reject batch"
      stepUp
      send={(reason, stepUp) => actions.rejectBatch({ batchId: batch.id, reason: reason ?? "", ...stepUp })}
      onDone={() => router.refresh()}
    />
  );
}

function CancelBatch({ batch }: BatchActionProps) {
  const actions = useServerActions();
  const router = useRouter();
  return (
    <ReasonDialog
      trigger={(open) => (
        <Button variant="secondary" onClick={open} aria-haspopup="dialog">
          <Ban aria-hidden />
          Cancel batch
        </Button>
      )}
      title={`Cancel ${batch.reference}?`}
      description="Nothing in it is sent. It stays listed as canceled."
      label="Reason (optional)"
      confirm="Cancel batch"
      send={(reason) => actions.cancelBatch({ batchId: batch.id, reason })}
      onDone={() => router.refresh()}
    />
  );
}
