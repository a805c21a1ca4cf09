"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useAction } from "@/components/ui/use-action";
import type { ActionResult } from "@/lib/result";

/** The deposit alerts policy (docs/deposit-alerts.md#the-policy): one switch, saved with a fresh second factor, audited. */
export function DepositAlertsForm({ on, save }: { on: boolean; save: (input: unknown) => Promise<ActionResult<{ on: boolean }>> }) {
  const t = useTranslations("sending.policy");
  const router = useRouter();
  const [checked, setChecked] = useState(on);
  const { pending, run } = useAction();
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        run((stepUp) => save({ on: checked, ...stepUp }), () => router.refresh());
      }}
    >
      <label className="flex cursor-pointer items-start gap-2 text-sm">
        <input
          type="checkbox"
          name="depositAlerts"
          checked={checked}
          onChange={(event) => setChecked(event.currentTarget.checked)}
          className="mt-0.5 size-4 shrink-0 accent-brand"
          aria-describedby="deposit-alerts-hint"
          data-testid="deposit-alerts-switch"
        />
        <span>
          <span className="font-medium">{t("label")}</span>
          <span id="deposit-alerts-hint" className="block text-ink-muted">
            {t("hint")}
          </span>
        </span>
      </label>
      <Button type="submit" size="sm" className="mt-3" disabled={pending || checked === on}>
        {pending ? t("saving") : t("save")}
      </Button>
    </form>
  );
}
