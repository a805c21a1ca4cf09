"use client";

import { Ban } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { useServerActions } from "@/components/server-actions";

/** The maker withdraws their own transfer while it still waits for a manager; nothing is sent. */
export function CancelTransferButton({ transferId, reference }: { transferId: number; reference: string }) {
  const t = useTranslations("transfers.cancel");
  const actions = useServerActions();
  const router = useRouter();
  return (
    <ReasonDialog
      trigger={(open) => (
        <Button variant="secondary" aria-haspopup="dialog" onClick={open}>
          <Ban aria-hidden />
          {t("button")}
        </Button>
      )}
      title={t("title")}
      description={t("description", { reference })}
      label={t("reason")}
      confirm={t("button")}
      send={(reason) => actions.cancelTransfer({ transferId, reason })}
      onDone={() => router.refresh()}
    />
  );
}
