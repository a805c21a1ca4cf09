"use client";

import { Check, CircleCheck, CircleX, Eye, X } from "lucide-react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { useAction } from "@/components/ui/use-action";
import { useServerActions } from "@/components/server-actions";

/**
 * What a person does on Needs attention (docs/lifecycle.md#paying-twice-is-impossible): an admin records the outcome Cash In gives for an
 * unresolved transfer (with the ticket or statement line), a manager confirms or declines it, an admin
 * marks a discrepancy reviewed. The server checks every rule again.
 */

export function RecordOutcome({ transferId, reference }: { transferId: number; reference: string }) {
  const actions = useServerActions();
  const router = useRouter();
  return (
    <div className="flex flex-wrap gap-1.5">
      {(["succeeded", "failed"] as const).map((outcome) => (
        <ReasonDialog
          key={outcome}
          trigger={(open) => (
            <Button size="sm" variant="secondary" onClick={open} aria-haspopup="dialog" aria-label={`Record ${reference} as ${outcome}`}>
              {outcome === "succeeded" ? <CircleCheck aria-hidden /> : <CircleX aria-hidden />}
              Record as {outcome}
            </Button>
          )}
          title={`Record ${reference} as ${outcome}?`}
          description={
            outcome === "succeeded"
              ? "Only when Cash In confirms the money reached the wallet. A manager confirms before it takes effect."
              : "Only when Cash In confirms no money moved. A manager confirms before it takes effect; it can then be retried once."
          }
          label="Cash In ticket or statement line"
          confirm={`Record as ${outcome}`}
          keep="Not now"
          tone="primary"
          stepUp
          send={(reason, stepUp) => actions.proposeResolution({ transferId, outcome, reason: reason ?? "", ...stepUp })}
          onDone={() => router.refresh()}
        />
      ))}
    </div>
  );
}

export function DecideOutcome({ transferId, reference, outcome }: { transferId: number; reference: string; outcome: string }) {
  const actions = useServerActions();
  const router = useRouter();
  const { pending, run } = useAction();
  return (
    <div className="flex flex-wrap gap-1.5">
      <ReasonDialog
        trigger={(open) => (
          <Button size="sm" variant="secondary" onClick={open} aria-haspopup="dialog" aria-label={`Decline the outcome of ${reference}`}>
            <X aria-hidden />
            Decline
          </Button>
        )}
        title={`Decline "${outcome}" for ${reference}?`}
        description="The transfer stays unresolved; the admin sees your reason and can record another outcome."
        label="Reason"
        confirm="Decline"
        keep="Not now"
        stepUp
        send={(reason, stepUp) => actions.declineResolution({ transferId, reason: reason ?? "", ...stepUp })}
        onDone={() => router.refresh()}
      />
      <Button size="sm" disabled={pending} onClick={() => run((stepUp) => actions.confirmResolution({ transferId, ...stepUp }), () => router.refresh())} aria-label={`Confirm ${reference} as ${outcome}`}>
        <Check aria-hidden />
        {pending ? "Confirming…" : `Confirm ${outcome}`}
      </Button>
    </div>
  );
}

export function MarkReviewed({ transferId, reference }: { transferId: number; reference: string }) {
  const actions = useServerActions();
  const router = useRouter();
  return (
    <ReasonDialog
      trigger={(open) => (
        <Button size="sm" variant="secondary" onClick={open} aria-haspopup="dialog" aria-label={`Mark the discrepancy of ${reference} reviewed`}>
          <Eye aria-hidden />
          Mark reviewed
        </Button>
      )}
      title={`Mark the discrepancy of ${reference} reviewed?`}
      description="Say what Cash In or the statement showed. The transfer's status does not change."
      label="What you found"
      confirm="Mark reviewed"
      keep="Not now"
      tone="primary"
      stepUp
      send={(note, stepUp) => actions.reviewDiscrepancy({ transferId, reason: note ?? "", ...stepUp })}
      onDone={() => router.refresh()}
    />
  );
}
