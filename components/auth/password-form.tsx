"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { applyFieldErrors } from "@/components/ui/form-errors";
import { Input } from "@/components/ui/input";
import type { ActionResult } from "@/lib/result";
import { changePasswordSchema, passwordRules } from "@/lib/users/schemas";

type PasswordInput = z.input<typeof changePasswordSchema>;

/**
 * A person's own password change: at the first sign-in with a temporary password, and on My account. The
 * server also refuses common passwords (the list is too big to send to the browser).
 */
export function PasswordForm({
  change,
  then,
  currentLabel,
}: {
  change: (input: unknown) => Promise<ActionResult<unknown>>;
  /** Where to go after the change; without it the form says it is done and stays. */
  then?: string;
  currentLabel?: string;
}) {
  const t = useTranslations("auth");
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [done, setDone] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<PasswordInput, unknown, z.output<typeof changePasswordSchema>>({
    resolver: zodResolver(changePasswordSchema),
    defaultValues: { currentPassword: "", newPassword: "", confirmPassword: "" },
  });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit((values) => {
    setFormError(null);
    setDone(null);
    startTransition(async () => {
      const result = await change(values);
      if (result.ok) {
        form.reset();
        if (then) router.replace(then);
        else setDone(result.message ?? t("passwordChanged"));
        return;
      }
      if (!applyFieldErrors(form.setError, result, ["currentPassword", "newPassword", "confirmPassword"])) setFormError(result.message);
    });
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      <Field id="currentPassword" label={currentLabel ?? t("currentPassword")} error={errors.currentPassword?.message}>
        {(aria) => <Input {...aria} type="password" autoComplete="current-password" {...form.register("currentPassword")} />}
      </Field>
      <Field
        id="newPassword"
        label={t("newPassword")}
        hint={t("newPasswordHint", { min: passwordRules.min })}
        error={errors.newPassword?.message}
      >
        {(aria) => <Input {...aria} type="password" autoComplete="new-password" {...form.register("newPassword")} />}
      </Field>
      <Field id="confirmPassword" label={t("confirmPassword")} error={errors.confirmPassword?.message}>
        {(aria) => <Input {...aria} type="password" autoComplete="new-password" {...form.register("confirmPassword")} />}
      </Field>
      {formError ? (
        <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
          {formError}
        </p>
      ) : null}
      {done ? (
        <p role="status" className="rounded-md bg-ok-soft px-3 py-2 text-sm text-ok">
          {done}
        </p>
      ) : null}
      <Button type="submit" disabled={pending} className="w-full sm:w-auto sm:self-start">
        {pending ? t("saving") : t("changePassword")}
      </Button>
    </form>
  );
}
