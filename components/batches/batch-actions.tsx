"use client";

import { Ban, Check, SendHorizontal, X } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { approveBatchAction, cancelBatchAction, rejectBatchAction, submitBatchAction } from "@/app/(app)/batches/actions";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { useAction } from "@/components/ui/use-action";
import type { BatchStatus } from "@/db/schema";
import { formatRupiah } from "@/lib/cashin/amount";
import { formatNumber } from "@/lib/format";

export type BatchActionProps = {
  batch: { id: number; reference: string; status: BatchStatus };
  rows: number;
  total: number;
  /** Rows that are invalid or whose wallet was not confirmed: they block submitting. */
  blocking: number;
  duplicates: number;
  needsApproval: boolean;
  canSubmit: boolean;
  canCancel: boolean;
  canDecide: boolean;
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
    </>
  );
}

function useDone() {
  const router = useRouter();
  const action = useAction();
  return { ...action, refresh: () => router.refresh() };
}

function SubmitBatch({ batch, rows, total, blocking, duplicates, needsApproval }: BatchActionProps) {
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
            {duplicates === 1 ? "1 row repeats" : `${formatNumber(duplicates)} rows repeat`} an earlier row (same e-wallet, phone and amount). I mean to pay
            these people more than once.
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
                () => submitBatchAction({ batchId: batch.id, acceptDuplicates }),
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

function ApproveBatch({ batch, rows, total }: BatchActionProps) {
  const [open, setOpen] = useState(false);
  const { pending, run, refresh } = useDone();
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Button onClick={() => setOpen(true)} aria-haspopup="dialog">
        <Check aria-hidden />
        Approve batch
      </Button>
      <DialogContent title={`Approve ${batch.reference}?`} description={`${transfersText(rows)} totalling ${formatRupiah(total)} are sent to Cash In as soon as you approve.`}>
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary">Not now</Button>
          </DialogClose>
          <Button
            disabled={pending}
            onClick={() =>
              run(
                () => approveBatchAction({ batchId: batch.id }),
                (result) => {
                  if (result.ok) setOpen(false);
                  refresh();
                },
              )
            }
          >
            {pending ? "Approving…" : `Approve and send ${formatRupiah(total)}`}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function RejectBatch({ batch }: BatchActionProps) {
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
      send={(reason) => rejectBatchAction({ batchId: batch.id, reason: reason ?? "" })}
      onDone={() => router.refresh()}
    />
  );
}

function CancelBatch({ batch }: BatchActionProps) {
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
      send={(reason) => cancelBatchAction({ batchId: batch.id, reason })}
      onDone={() => router.refresh()}
    />
  );
}
