"use client";

import { Ban } from "lucide-react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { useServerActions } from "@/components/server-actions";

/** The maker withdraws their own transfer while it still waits for a manager; nothing is sent. */
export function CancelTransferButton({ transferId, reference }: { transferId: number; reference: string }) {
  const actions = useServerActions();
  const router = useRouter();
  return (
    <ReasonDialog
      trigger={(open) => (
        <Button variant="secondary" aria-haspopup="dialog" onClick={open}>
          <Ban aria-hidden />
          Cancel transfer
        </Button>
      )}
      title="Cancel this transfer?"
      description={`${reference} will not be sent. Managers no longer see it in their queue.`}
      label="Reason (optional)"
      confirm="Cancel transfer"
      send={(reason) => actions.cancelTransfer({ transferId, reason })}
      onDone={() => router.refresh()}
    />
  );
}
