"use client";

import { ShieldCheck } from "lucide-react";
import { useTranslations } from "next-intl";
import { useFormat } from "@/components/i18n/use-format";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { useAction } from "@/components/ui/use-action";
import { useServerActions } from "@/components/server-actions";

export function VerifyChainButton() {
  const actions = useServerActions();
  const notify = useToast();
  const t = useTranslations("audit");
  const format = useFormat();
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
                ? { tone: "ok", title: t("intact", { entries: format.number(verdict.entries) }) }
                : { tone: "danger", title: t("tampered"), description: verdict.message },
            );
          },
        )
      }
    >
      <ShieldCheck aria-hidden />
      {pending ? t("verifying") : t("verifyChain")}
    </Button>
  );
}
