"use client";

import { ShieldCheck } from "lucide-react";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { useAction } from "@/components/ui/use-action";
import { useServerActions } from "@/components/server-actions";

export function VerifyChainButton() {
  const actions = useServerActions();
  const notify = useToast();
  const { pending, run } = useAction();
  return (
    <Button
      variant="secondary"
      disabled={pending}
      onClick={() =>
        run(
          () => actions.verifyAudit({}),
          (result) => {
            if (!result.ok) return;
            const verdict = result.data;
            notify(
              verdict.ok
                ? { tone: "ok", title: `Audit trail intact: ${verdict.entries} entries verified` }
                : { tone: "danger", title: "Audit trail tampered with", description: verdict.message },
            );
          },
        )
      }
    >
      <ShieldCheck aria-hidden />
      {pending ? "Verifying…" : "Verify chain"}
    </Button>
  );
}
