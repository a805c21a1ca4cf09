"use client";

import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

/**
 * Step-up (docs/sign-in.md#step-up): approving, rejecting, resolving, limits and user changes need a code
 * from the authenticator app entered in the last 5 minutes. The server decides (the action refuses with
 * `step_up`); the screens only ask for the code: in their own dialog when they have one (`SecondFactorField`),
 * otherwise in the prompt this provider shows, after which the action is sent again with the code.
 */
type StepUp = {
  /** Whether the session's last proof is older than 5 minutes (as far as this page knows). */
  needsCode: () => boolean;
  /** Shows the prompt; resolves with the typed code, or null when the person cancels. */
  ask: (message: string) => Promise<string | null>;
  /** A code was accepted just now: no need to ask for the next 5 minutes. */
  proved: () => void;
};

const StepUpContext = createContext<StepUp | null>(null);

const stepUpMs = 5 * 60 * 1000;

export function StepUpProvider({ freshUntil, children }: { freshUntil: number; children: ReactNode }) {
  const until = useRef(freshUntil);
  useEffect(() => {
    until.current = Math.max(until.current, freshUntil);
  }, [freshUntil]);
  const [prompt, setPrompt] = useState<{ message: string; resolve: (code: string | null) => void } | null>(null);
  const [code, setCode] = useState("");

  const ask = useCallback(
    (message: string) =>
      new Promise<string | null>((resolve) => {
        setCode("");
        setPrompt({ message, resolve });
      }),
    [],
  );
  const value: StepUp = {
    // Read at click time, never during render: the answer depends on the clock.
    needsCode: () => Date.now() >= until.current,
    ask,
    proved: () => {
      until.current = Date.now() + stepUpMs;
    },
  };
  const close = (answer: string | null) => {
    prompt?.resolve(answer);
    setPrompt(null);
  };

  return (
    <StepUpContext.Provider value={value}>
      {children}
      <Dialog open={prompt !== null} onOpenChange={(open) => !open && close(null)}>
        {prompt ? (
          <DialogContent title="Confirm it is you" description="This change needs a code from your authenticator app (at most every 5 minutes).">
            <form
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                close(code.trim());
              }}
            >
              <SecondFactorField value={code} onChange={setCode} error={/^Enter the 6-digit/.test(prompt.message) ? undefined : prompt.message} autoFocus />
              <DialogFooter>
                <DialogClose asChild>
                  <Button variant="secondary">Cancel</Button>
                </DialogClose>
                <Button type="submit" disabled={code.trim() === ""}>
                  Confirm
                </Button>
              </DialogFooter>
            </form>
          </DialogContent>
        ) : null}
      </Dialog>
    </StepUpContext.Provider>
  );
}

export function useStepUp(): StepUp | null {
  return useContext(StepUpContext);
}

/** The code field a dialog embeds when the change it confirms needs a fresh code. */
export function SecondFactorField({
  value,
  onChange,
  error,
  autoFocus,
}: {
  value: string;
  onChange: (value: string) => void;
  error?: string;
  autoFocus?: boolean;
}) {
  return (
    <Field id="second-factor-code" label="Code from your authenticator app" hint="6 digits, or a recovery code" error={error} className="mt-4">
      {(aria) => (
        <Input
          {...aria}
          value={value}
          onChange={(event) => onChange(event.currentTarget.value)}
          autoComplete="one-time-code"
          inputMode="numeric"
          maxLength={11}
          autoFocus={autoFocus}
          className="font-mono tracking-widest"
        />
      )}
    </Field>
  );
}
