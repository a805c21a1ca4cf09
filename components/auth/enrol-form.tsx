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
import { enrolmentCodeSchema } from "@/lib/users/schemas";
import { RecoveryCodes } from "./recovery-codes";

type EnrolInput = z.input<typeof enrolmentCodeSchema>;

/**
 * Turning on two-step sign-in: scan the QR code (or type the key), enter the first code, then save the ten
 * recovery codes, shown this once.
 */
export function EnrolForm({
  qrSvg,
  secret,
  confirm,
  continueTo,
}: {
  qrSvg: string;
  secret: string;
  confirm: (input: unknown) => Promise<ActionResult<{ recoveryCodes: string[] }>>;
  continueTo: string;
}) {
  const t = useTranslations("auth");
  const [pending, startTransition] = useTransition();
  const [codes, setCodes] = useState<string[] | null>(null);
  const form = useForm<EnrolInput, unknown, z.output<typeof enrolmentCodeSchema>>({
    resolver: zodResolver(enrolmentCodeSchema),
    defaultValues: { code: "" },
  });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit((values) => {
    startTransition(async () => {
      const result = await confirm(values);
      if (result.ok) {
        setCodes(result.data.recoveryCodes);
        return;
      }
      form.setError("code", { message: result.fieldErrors?.code?.[0] ?? result.message });
      form.setValue("code", "");
      form.setFocus("code");
    });
  });

  if (codes) return <RecoveryCodes codes={codes} continueTo={continueTo} />;

  return (
    <div className="flex flex-col gap-5">
      <ol className="flex list-decimal flex-col gap-3 pl-5 text-sm">
        <li>
          {t("enrolScan")}
          <div
            className="mt-2 size-44 rounded-md border border-line bg-white p-2 [&_svg]:size-full"
            role="img"
            aria-label={t("qrLabel")}
            // The SVG is made on our server from the otpauth URI, never from user input.
            dangerouslySetInnerHTML={{ __html: qrSvg }}
          />
          <p className="mt-2 text-xs text-ink-muted">
            {t("cannotScan")}{" "}
            <code data-testid="totp-secret" className="break-all rounded bg-canvas px-1 py-0.5 font-mono text-ink">
              {secret.replace(/(.{4})/g, "$1 ").trim()}
            </code>
          </p>
        </li>
        <li>{t("enrolEnterCode")}</li>
      </ol>
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
        <Field id="code" label={t("codeFromApp")} error={errors.code?.message}>
          {(aria) => (
            <Input {...aria} autoComplete="one-time-code" inputMode="numeric" maxLength={6} className="font-mono tracking-widest" {...form.register("code")} />
          )}
        </Field>
        <Button type="submit" disabled={pending} className="w-full">
          {pending ? t("checking") : t("turnOn")}
        </Button>
      </form>
    </div>
  );
}
