"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useAction } from "@/components/ui/use-action";
import type { ActionResult } from "@/lib/result";
import { RecoveryCodes } from "./recovery-codes";

/** My account: new recovery codes (a fresh code from the app is asked for first). */
export function AccountSecondFactor({ regenerate }: { regenerate: (input: unknown) => Promise<ActionResult<{ recoveryCodes: string[] }>> }) {
  const t = useTranslations("auth");
  const { pending, run } = useAction();
  const [codes, setCodes] = useState<string[] | null>(null);
  if (codes) return <div className="mt-4"><RecoveryCodes codes={codes} /></div>;
  return (
    <Button
      variant="secondary"
      size="sm"
      className="mt-3"
      disabled={pending}
      onClick={() => run((stepUp) => regenerate({ ...stepUp }), (result) => result.ok && setCodes(result.data.recoveryCodes))}
    >
      {pending ? t("makingCodes") : t("makeCodes")}
    </Button>
  );
}
