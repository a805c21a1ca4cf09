"use client";

import { Ban, Check, Play, SendHorizontal, X } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useFormat } from "@/components/i18n/use-format";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { useAction } from "@/components/ui/use-action";
import type { BatchStatus } from "@/lib/batches/labels";
import type { NameDrift } from "@/lib/batches/decide";
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
  /** This manager gave one of the approvals its tier asks for (docs/policies.md#approval-tiers): they may still reject it. */
  approvedByMe?: boolean;
  /** The next approval is the last its tier asks for: it sends the batch. */
  lastApproval?: boolean;
  /** Sending stopped long ago (a crash) and this person may confirm that the rest is sent. */
  canResume: boolean;
};

/** A checkbox with a touch target of at least 24 × 24 px (WCAG 2.2 target size). */
const checkboxClass = "size-6 shrink-0 accent-brand";

/** What the person looking at a batch can do with it now: submit or cancel it (its maker), approve or reject it (another manager). */
export function BatchActions(props: BatchActionProps) {
  return (
    <>
      {props.canCancel ? <CancelBatch {...props} /> : null}
      {props.canDecide ? <RejectBatch {...props} /> : null}
      {props.canDecide && !props.approvedByMe ? <ApproveBatch {...props} /> : null}
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
  // "Send on" (docs/batches.md#scheduled-batches): a day and a time in WIB, both or neither; the server says what is wrong.
  const [sendOn, setSendOn] = useState("");
  const [sendTime, setSendTime] = useState("");
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const { pending, run, refresh } = useDone();
  const t = useTranslations("batches.submit");
  const schedule = useTranslations("batches.schedule");
  const format = useFormat();
  const scheduling = sendOn.trim() !== "" || sendTime.trim() !== "";
  const checking = batch.status === "checking";
  const blocked = checking || blocking > 0 || rows === 0;
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Button disabled={blocked} onClick={() => setOpen(true)} aria-haspopup="dialog" title={blocked ? (checking ? t("waitForCheck") : t("fixFirst")) : undefined}>
        <SendHorizontal aria-hidden />
        {t("button")}
      </Button>
      <DialogContent
        title={t("title", { count: rows })}
        description={needsApproval ? t("needsApproval", { total: format.rupiah(total) }) : t("direct", { total: format.rupiah(total) })}
      >
        {duplicates > 0 ? (
          <label className="flex items-start gap-2 rounded-md border border-warn/40 bg-warn-soft p-3 text-sm">
            <input type="checkbox" className={checkboxClass} checked={acceptDuplicates} onChange={(e) => setAcceptDuplicates(e.currentTarget.checked)} />
            <span>{t("duplicates", { count: duplicates })}</span>
          </label>
        ) : null}
        <fieldset className="flex min-w-0 flex-col gap-2" data-testid="send-on">
          <legend className="mb-1 text-sm font-medium">{schedule("legend")}</legend>
          <div className="grid grid-cols-2 gap-3">
            <Field id="send-on-day" label={schedule("day")} error={errors.sendOn?.[0]}>
              {(aria) => (
                <Input
                  {...aria}
                  inputMode="numeric"
                  autoComplete="off"
                  placeholder={schedule("dayPlaceholder")}
                  value={sendOn}
                  onChange={(e) => {
                    setSendOn(e.currentTarget.value);
                    setErrors(({ sendOn: _day, ...rest }) => rest);
                  }}
                />
              )}
            </Field>
            <Field id="send-on-time" label={schedule("time")} error={errors.sendTime?.[0]}>
              {(aria) => (
                <Input
                  {...aria}
                  inputMode="numeric"
                  autoComplete="off"
                  placeholder={schedule("timePlaceholder")}
                  value={sendTime}
                  onChange={(e) => {
                    setSendTime(e.currentTarget.value);
                    setErrors(({ sendTime: _time, ...rest }) => rest);
                  }}
                />
              )}
            </Field>
          </div>
          <p className="text-xs text-ink-muted">{schedule("hint")}</p>
        </fieldset>
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary">{t("notYet")}</Button>
          </DialogClose>
          <Button
            disabled={pending || (duplicates > 0 && !acceptDuplicates)}
            onClick={() =>
              run(
                () => actions.submitBatch({ batchId: batch.id, acceptDuplicates, duplicatesShown: duplicates, sendOn, sendTime }),
                (result) => {
                  setErrors(result.ok ? {} : (result.fieldErrors ?? {}));
                  if (result.ok) setOpen(false);
                  refresh();
                },
              )
            }
          >
            {pending ? t("submitting") : needsApproval ? t("forApproval") : scheduling ? schedule("andSchedule") : t("andSend")}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function ApproveBatch({ batch, rows, total, duplicates, lastApproval = true }: BatchActionProps) {
  const actions = useServerActions();
  const [open, setOpen] = useState(false);
  const [checked, setChecked] = useState(false);
  const [drift, setDrift] = useState<{ count: number; rows: NameDrift[] } | null>(null);
  const [acknowledged, setAcknowledged] = useState(false);
  const { pending, run, refresh } = useDone();
  const t = useTranslations("batches.approve");
  const format = useFormat();
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
        {t("button")}
      </Button>
      <DialogContent title={t("title", { reference: batch.reference })} description={t("description", { count: rows, total: format.rupiah(total) })}>
        <div className="flex flex-col gap-3 empty:hidden">
          {duplicates > 0 ? (
            <label className="flex items-start gap-2 rounded-md border border-warn/40 bg-warn-soft p-3 text-sm" data-testid="approve-duplicates">
              <input type="checkbox" className={checkboxClass} checked={checked} onChange={(e) => setChecked(e.currentTarget.checked)} />
              <span>{t("duplicates", { count: duplicates })}</span>
            </label>
          ) : null}
          {drift ? (
            <div className="rounded-md border border-warn/40 bg-warn-soft p-3 text-sm" data-testid="batch-name-drift">
              <p className="font-semibold text-warn">{t("drift", { count: drift.count })}</p>
              <ul className="mt-1 max-h-48 overflow-auto break-words">
                {drift.rows.map((row) => (
                  <li key={row.line}>
                    {t.rich("driftLine", {
                      line: row.line,
                      before: row.confirmedName,
                      after: row.currentName,
                      old: (chunks) => <span className="line-through">{chunks}</span>,
                      new: (chunks) => <strong>{chunks}</strong>,
                    })}
                  </li>
                ))}
              </ul>
              <label className="mt-2 flex items-start gap-2 font-medium">
                <input type="checkbox" className={checkboxClass} checked={acknowledged} onChange={(e) => setAcknowledged(e.currentTarget.checked)} />
                <span>{t("driftAcknowledge")}</span>
              </label>
            </div>
          ) : null}
        </div>
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary">{t("notNow")}</Button>
          </DialogClose>
          <Button disabled={blocked} onClick={approve}>
            {pending ? t("approving") : lastApproval ? t("confirm", { total: format.rupiah(total) }) : t("confirmNotLast")}
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
  const t = useTranslations("batches.resume");
  return (
    <Button disabled={pending} onClick={() => run(() => actions.resumeBatch({ batchId: batch.id }), refresh)}>
      <Play aria-hidden />
      {pending ? t("confirming") : t("button")}
    </Button>
  );
}

function RejectBatch({ batch }: BatchActionProps) {
  const actions = useServerActions();
  const router = useRouter();
  const t = useTranslations("batches.reject");
  return (
    <ReasonDialog
      trigger={(open) => (
        <Button variant="secondary" onClick={open} aria-haspopup="dialog">
          <X aria-hidden />
          {t("button")}
        </Button>
      )}
      title={t("title", { reference: batch.reference })}
      description={t("description")}
      label={t("reason")}
      confirm={t("button")}
      stepUp
      send={(reason, stepUp) => actions.rejectBatch({ batchId: batch.id, reason: reason ?? "", ...stepUp })}
      onDone={() => router.refresh()}
    />
  );
}

function CancelBatch({ batch }: BatchActionProps) {
  const actions = useServerActions();
  const router = useRouter();
  const t = useTranslations("batches.cancel");
  return (
    <ReasonDialog
      trigger={(open) => (
        <Button variant="secondary" onClick={open} aria-haspopup="dialog">
          <Ban aria-hidden />
          {t("button")}
        </Button>
      )}
      title={t("title", { reference: batch.reference })}
      description={t("description")}
      label={t("reason")}
      confirm={t("button")}
      send={(reason) => actions.cancelBatch({ batchId: batch.id, reason })}
      onDone={() => router.refresh()}
    />
  );
}
