"use client";

import { Check, CircleCheck, CircleX, Eye, X } from "lucide-react";
import { useTranslations } from "next-intl";
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
  const t = useTranslations("attention");
  return (
    <div className="flex flex-wrap gap-1.5">
      {(["succeeded", "failed"] as const).map((outcome) => (
        <ReasonDialog
          key={outcome}
          trigger={(open) => (
            <Button size="sm" variant="secondary" onClick={open} aria-haspopup="dialog" aria-label={t(`recordLabel.${outcome}`, { reference })}>
              {outcome === "succeeded" ? <CircleCheck aria-hidden /> : <CircleX aria-hidden />}
              {t(`record.${outcome}`)}
            </Button>
          )}
          title={t(`recordTitle.${outcome}`, { reference })}
          description={t(`recordDescription.${outcome}`)}
          label={t("recordReasonLabel")}
          confirm={t(`record.${outcome}`)}
          keep={t("notNow")}
          tone="primary"
          stepUp
          send={(reason, stepUp) => actions.proposeResolution({ transferId, outcome, reason: reason ?? "", ...stepUp })}
          onDone={() => router.refresh()}
        />
      ))}
    </div>
  );
}

export function DecideOutcome({ transferId, reference, outcome }: { transferId: number; reference: string; outcome: "succeeded" | "failed" }) {
  const actions = useServerActions();
  const router = useRouter();
  const t = useTranslations("attention");
  const { pending, run } = useAction();
  return (
    <div className="flex flex-wrap gap-1.5">
      <ReasonDialog
        trigger={(open) => (
          <Button size="sm" variant="secondary" onClick={open} aria-haspopup="dialog" aria-label={t("declineLabel", { reference })}>
            <X aria-hidden />
            {t("decline")}
          </Button>
        )}
        title={t("declineTitle", { outcome: t(`outcome.${outcome}`), reference })}
        description={t("declineDescription")}
        label={t("reason")}
        confirm={t("decline")}
        keep={t("notNow")}
        stepUp
        send={(reason, stepUp) => actions.declineResolution({ transferId, reason: reason ?? "", ...stepUp })}
        onDone={() => router.refresh()}
      />
      <Button size="sm" disabled={pending} onClick={() => run((stepUp) => actions.confirmResolution({ transferId, ...stepUp }), () => router.refresh())} aria-label={t(`confirmLabel.${outcome}`, { reference })}>
        <Check aria-hidden />
        {pending ? t("confirming") : t(`confirm.${outcome}`)}
      </Button>
    </div>
  );
}

export function MarkReviewed({ transferId, reference }: { transferId: number; reference: string }) {
  const actions = useServerActions();
  const router = useRouter();
  const t = useTranslations("attention");
  return (
    <ReasonDialog
      trigger={(open) => (
        <Button size="sm" variant="secondary" onClick={open} aria-haspopup="dialog" aria-label={t("markReviewedLabel", { reference })}>
          <Eye aria-hidden />
          {t("markReviewed")}
        </Button>
      )}
      title={t("markReviewedTitle", { reference })}
      description={t("markReviewedDescription")}
      label={t("whatYouFound")}
      confirm={t("markReviewed")}
      keep={t("notNow")}
      tone="primary"
      stepUp
      send={(note, stepUp) => actions.reviewDiscrepancy({ transferId, reason: note ?? "", ...stepUp })}
      onDone={() => router.refresh()}
    />
  );
}
