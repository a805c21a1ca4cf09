"use client";

import { Play } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { useAction } from "@/components/ui/use-action";
import type { ActionResult } from "@/lib/result";

export type ResumeSending = (input: unknown) => Promise<ActionResult<{ pauseId: number }>>;

/**
 * "Resume sending" (docs/deposit-alerts.md#resuming), for admins: a confirmation that says what goes out and what does
 * not, then one call. The server checks the role and resumes the pause once, however many admins click.
 */
export function ResumeSendingButton({ pauseId, resume, onResumed }: { pauseId: number; resume: ResumeSending; onResumed?: () => void }) {
  const t = useTranslations("sending.resume");
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { pending, run } = useAction();
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Button type="button" size="sm" onClick={() => setOpen(true)} aria-haspopup="dialog" data-testid="resume-sending">
        <Play aria-hidden />
        {t("button")}
      </Button>
      <DialogContent title={t("title")} description={t("body")}>
        <DialogFooter>
          <DialogClose asChild>
            <Button type="button" variant="secondary">
              {t("keep")}
            </Button>
          </DialogClose>
          <Button
            type="button"
            disabled={pending}
            onClick={() =>
              run(
                () => resume({ pauseId }),
                (result) => {
                  // Resumed, or already resumed by someone else: either way the pause is over.
                  if (result.ok || result.code === "conflict") {
                    setOpen(false);
                    onResumed?.();
                    router.refresh();
                  }
                },
              )
            }
          >
            {pending ? t("resuming") : t("confirm")}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
