"use client";

import { Ban } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { cancelTransferAction } from "@/app/(app)/transfers/actions";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { controlClass } from "@/components/ui/input";
import { useAction } from "@/components/ui/use-action";
import { cn } from "@/lib/cn";

/** The maker withdraws their own transfer while it still waits for a manager; nothing is sent. */
export function CancelTransferButton({ transferId, reference }: { transferId: number; reference: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | undefined>();
  const { pending, run } = useAction();

  function cancel() {
    run(
      () => cancelTransferAction({ transferId, reason: reason.trim() === "" ? undefined : reason.trim() }),
      (result) => {
        if (result.ok) {
          setOpen(false);
          router.refresh();
        } else {
          setError(result.fieldErrors?.reason?.[0]);
        }
      },
    );
  }

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Button variant="secondary" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        <Ban aria-hidden />
        Cancel transfer
      </Button>
      <DialogContent title="Cancel this transfer?" description={`${reference} will not be sent. Managers no longer see it in their queue.`}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            cancel();
          }}
        >
          <Field id="cancel-reason" label="Reason (optional)" error={error}>
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
              <Button variant="secondary">Keep it</Button>
            </DialogClose>
            <Button type="submit" variant="danger" disabled={pending}>
              Cancel transfer
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
