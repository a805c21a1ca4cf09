"use client";

import { useTranslations } from "next-intl";
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
  const t = useTranslations("stepUp");
  const tc = useTranslations("common");
  const [prompt, setPrompt] = useState<{ error: string | undefined; resolve: (code: string | null) => void } | null>(null);
  const [code, setCode] = useState("");
  // The server's first answer only asks for a code; one that comes right after a typed code says what was
  // wrong with it (in the reader's language, so it is told apart by when it comes, not by its words).
  const codeSent = useRef(false);
  const plainAsk = useRef<string | null>(null);

  const ask = useCallback(
    (message: string) =>
      new Promise<string | null>((resolve) => {
        const error = codeSent.current && message !== plainAsk.current ? message : undefined;
        if (!codeSent.current) plainAsk.current = message;
        codeSent.current = false;
        setCode("");
        setPrompt({ error, resolve });
      }),
    [],
  );
  const value: StepUp = {
    // Read at click time, never during render: the answer depends on the clock.
    needsCode: () => Date.now() >= until.current,
    ask,
    proved: () => {
      codeSent.current = false;
      until.current = Date.now() + stepUpMs;
    },
  };
  const close = (answer: string | null) => {
    codeSent.current = Boolean(answer);
    prompt?.resolve(answer);
    setPrompt(null);
  };

  return (
    <StepUpContext.Provider value={value}>
      {children}
      <Dialog open={prompt !== null} onOpenChange={(open) => !open && close(null)}>
        {prompt ? (
          <DialogContent title={t("title")} description={t("description")}>
            <form
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                close(code.trim());
              }}
            >
              <SecondFactorField value={code} onChange={setCode} error={prompt.error} autoFocus />
              <DialogFooter>
                <DialogClose asChild>
                  <Button variant="secondary">{tc("cancel")}</Button>
                </DialogClose>
                <Button type="submit" disabled={code.trim() === ""}>
                  {tc("confirm")}
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
  const t = useTranslations("stepUp");
  return (
    <Field id="second-factor-code" label={t("codeLabel")} hint={t("codeHint")} error={error} className="mt-4">
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
