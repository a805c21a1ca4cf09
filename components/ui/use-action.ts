"use client";

import { useTransition } from "react";
import { useStepUp } from "@/components/auth/step-up";
import type { ActionResult } from "@/lib/result";
import { useToast } from "./toast";

/** What an action call adds to its input when the person typed a second-factor code (docs/sign-in.md#step-up). */
export type StepUpInput = { secondFactorCode?: string };

/**
 * Runs a server action in a transition and tells the person what happened in a toast (`quiet`: the caller
 * shows the answer in place instead). Hands the result on so forms can place field errors; `pending`
 * disables the control to prevent double submits. When the server asks for a fresh second-factor code, the
 * step-up prompt asks the person and the action is sent again with it (`embedded`: the caller's dialog has
 * its own code field and shows the refusal itself).
 */
export function useAction({ quiet = false, embedded = false }: { quiet?: boolean; embedded?: boolean } = {}) {
  const [pending, startTransition] = useTransition();
  const notify = useToast();
  const stepUp = useStepUp();
  function run<T>(action: (stepUpInput: StepUpInput) => Promise<ActionResult<T>>, onDone?: (result: ActionResult<T>) => void) {
    startTransition(async () => {
      let result = await action({});
      let usedCode = false;
      while (!embedded && stepUp && !result.ok && result.code === "step_up") {
        const code = await stepUp.ask(result.message);
        if (code === null) break;
        usedCode = true;
        result = await action({ secondFactorCode: code });
      }
      if (result.ok && usedCode) stepUp?.proved();
      if (!result.ok && result.code === "step_up" && !embedded) {
        // Cancelled at the prompt: nothing happened, nothing to say.
      } else if (quiet) {
        // The caller shows the answer where the person is looking.
      } else if (result.ok) {
        if (result.message) notify({ tone: "ok", title: result.message });
      } else if (!result.fieldErrors) {
        notify({ tone: "danger", title: result.message });
      }
      onDone?.(result);
    });
  }
  return { pending, run };
}
