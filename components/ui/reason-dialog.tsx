"use client";

import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { controlClass } from "@/components/ui/input";
import { SecondFactorField, useStepUp } from "@/components/auth/step-up";
import { useAction, type StepUpInput } from "@/components/ui/use-action";
import { cn } from "@/lib/cn";
import type { ActionResult } from "@/lib/result";

/**
 * A decision that takes a reason: reject (required) or cancel (optional). The server checks the reason;
 * its message stays under the field and the dialog stays open until the action succeeds.
 */
export function ReasonDialog({
  trigger,
  title,
  description,
  label,
  confirm,
  pendingLabel = confirm,
  keep,
  tone = "danger",
  send,
  onDone,
  stepUp = false,
}: {
  /** The button that opens the dialog; it gets the function to call on click. */
  trigger: (open: () => void) => ReactNode;
  title: string;
  description: string;
  label: string;
  confirm: string;
  pendingLabel?: string;
  keep?: string;
  /** The confirm button's look: "danger" for a refusal, "primary" for a decision that records something. */
  tone?: "danger" | "primary";
  /** The trimmed reason, or undefined when none was typed; the typed second-factor code when the decision needs one. */
  send: (reason: string | undefined, stepUp: StepUpInput) => Promise<ActionResult<unknown>>;
  onDone?: () => void;
  /** The decision needs a fresh second-factor code (docs/sign-in.md#step-up): the dialog asks for it. */
  stepUp?: boolean;
}) {
  const t = useTranslations("ui");
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [askCode, setAskCode] = useState(false);
  const [code, setCode] = useState("");
  const [codeError, setCodeError] = useState<string | undefined>();
  const stepUpState = useStepUp();
  const { pending, run } = useAction({ embedded: stepUp });
  const id = `reason-${title.replace(/\W+/g, "-").toLowerCase()}`;

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      {trigger(() => {
        setReason("");
        setError(undefined);
        setCode("");
        setCodeError(undefined);
        setAskCode(Boolean(stepUp && stepUpState?.needsCode()));
        setOpen(true);
      })}
      <DialogContent title={title} description={description}>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const typed = askCode && code.trim() !== "" ? code.trim() : undefined;
            run(
              () => send(reason.trim() === "" ? undefined : reason.trim(), typed ? { secondFactorCode: typed } : {}),
              (result) => {
                setError(undefined);
                setCodeError(undefined);
                if (!result.ok && result.code === "step_up") {
                  setAskCode(true);
                  setCode("");
                  // The first ask is a request, not an error.
                  return setCodeError(typed ? result.message : undefined);
                }
                if (!result.ok) return setError(result.fieldErrors?.reason?.[0] ?? result.message);
                if (typed) stepUpState?.proved();
                setOpen(false);
                onDone?.();
              },
            );
          }}
        >
          <Field id={id} label={label} error={error}>
            {(aria) => (
              <textarea
                {...aria}
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                maxLength={500}
                rows={3}
                className={cn(controlClass, "h-auto py-2")}
              />
            )}
          </Field>
          {askCode ? <SecondFactorField value={code} onChange={setCode} error={codeError} /> : null}
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">{keep ?? t("keepIt")}</Button>
            </DialogClose>
            <Button type="submit" variant={tone} disabled={pending}>
              {pending ? pendingLabel : confirm}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
