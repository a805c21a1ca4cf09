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
import { signInSchema } from "@/lib/users/schemas";

type SignInForm = z.input<typeof signInSchema>;

/** `signIn` is the sign-in server action, handed down by the page (components do not import app/). */
export function LoginForm({ callbackUrl, signIn }: { callbackUrl: string; signIn: (input: unknown) => Promise<ActionResult<null>> }) {
  const t = useTranslations("auth");
  const [pending, startTransition] = useTransition();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<SignInForm, unknown, z.output<typeof signInSchema>>({
    resolver: zodResolver(signInSchema),
    defaultValues: { email: "", password: "", callbackUrl },
  });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit((values) => {
    setFormError(null);
    startTransition(async () => {
      const result = await signIn(values);
      if (result.ok) return;
      setFormError(result.message);
      form.resetField("password");
      form.setFocus("password");
    });
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      <Field id="email" label={t("email")} error={errors.email?.message}>
        {(aria) => <Input {...aria} type="email" autoComplete="username" autoFocus {...form.register("email")} />}
      </Field>
      <Field id="password" label={t("password")} error={errors.password?.message}>
        {(aria) => <Input {...aria} type="password" autoComplete="current-password" {...form.register("password")} />}
      </Field>
      {formError ? (
        <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
          {formError}
        </p>
      ) : null}
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? t("signingIn") : t("signIn")}
      </Button>
    </form>
  );
}
