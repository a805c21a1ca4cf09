"use client";

import { useTransition } from "react";
import type { ActionResult } from "@/lib/result";
import { useToast } from "./toast";

/**
 * Runs a server action in a transition and tells the person what happened in a toast (`quiet`: the caller
 * shows the answer in place instead). Hands the result on so forms can place field errors; `pending`
 * disables the control to prevent double submits.
 */
export function useAction({ quiet = false }: { quiet?: boolean } = {}) {
  const [pending, startTransition] = useTransition();
  const notify = useToast();
  function run<T>(action: () => Promise<ActionResult<T>>, onDone?: (result: ActionResult<T>) => void) {
    startTransition(async () => {
      const result = await action();
      if (quiet) {
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
