"use client";

import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { controlClass } from "@/components/ui/input";
import { useAction } from "@/components/ui/use-action";
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
  keep = "Keep it",
  tone = "danger",
  send,
  onDone,
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
  /** The trimmed reason, or undefined when none was typed. */
  send: (reason: string | undefined) => Promise<ActionResult<unknown>>;
  onDone?: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | undefined>();
  const { pending, run } = useAction();
  const id = `reason-${title.replace(/\W+/g, "-").toLowerCase()}`;

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      {trigger(() => {
        setReason("");
        setError(undefined);
        setOpen(true);
      })}
      <DialogContent title={title} description={description}>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            run(
              () => send(reason.trim() === "" ? undefined : reason.trim()),
              (result) => {
                if (!result.ok) return setError(result.fieldErrors?.reason?.[0] ?? result.message);
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
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">{keep}</Button>
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
