"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { ActionResult } from "@/lib/result";
import { secondFactorCodeSchema } from "@/lib/users/schemas";

type CodeInput = z.input<typeof secondFactorCodeSchema>;

/** Step 2 of signing in: the code the authenticator app shows, or one of the recovery codes. */
export function CodeForm({ callbackUrl, prove }: { callbackUrl: string; prove: (input: unknown) => Promise<ActionResult<unknown>> }) {
  const t = useTranslations("auth");
  const [pending, startTransition] = useTransition();
  const [recovery, setRecovery] = useState(false);
  const form = useForm<CodeInput, unknown, z.output<typeof secondFactorCodeSchema>>({
    resolver: zodResolver(secondFactorCodeSchema),
    defaultValues: { code: "", callbackUrl },
  });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit((values) => {
    startTransition(async () => {
      const result = await prove(values);
      if (result.ok) return; // the action redirects on success
      form.setError("code", { message: result.fieldErrors?.code?.[0] ?? result.message });
      form.setValue("code", "");
      form.setFocus("code");
    });
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      <Field
        id="code"
        label={recovery ? t("recoveryCodeLabel") : t("codeLabel")}
        hint={recovery ? t("recoveryCodeHint") : t("codeHint")}
        error={errors.code?.message}
      >
        {(aria) => (
          <Input
            {...aria}
            autoFocus
            autoComplete="one-time-code"
            inputMode={recovery ? "text" : "numeric"}
            maxLength={recovery ? 11 : 6}
            className="font-mono tracking-widest"
            {...form.register("code")}
          />
        )}
      </Field>
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? t("checking") : t("continue")}
      </Button>
      <Button variant="link" size="sm" onClick={() => setRecovery((r) => !r)}>
        {recovery ? t("useAppCode") : t("useRecoveryCode")}
      </Button>
    </form>
  );
}
