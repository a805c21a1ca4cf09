"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Check, Copy, KeyRound, Plus } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm, type Path } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useAction } from "@/components/ui/use-action";
import type { ActionResult } from "@/lib/result";
import type { CreatedEndpoint } from "@/lib/webhooks/endpoints";
import { endpointBounds, endpointSchema, webhookEventTypes, type EndpointInput, type EndpointValues } from "@/lib/webhooks/schemas";

type Action<T> = (input: unknown) => Promise<ActionResult<T>>;

/** The signing secret, shown once after it was made (docs/webhooks.md#signatures), with a copy button. */
function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  const t = useTranslations("webhooks");
  const [copied, setCopied] = useState(false);
  return (
    <section role="status" aria-labelledby="secret-heading" className="flex flex-col gap-3 rounded-lg border border-warn/40 bg-warn-soft p-4" data-testid="webhook-secret">
      <h2 id="secret-heading" className="text-sm font-semibold text-ink">
        {t("secret.heading")}
      </h2>
      <p className="text-sm text-ink">{t("secret.once")}</p>
      <code className="block rounded-md border border-line bg-surface p-2 font-mono text-sm break-all text-ink" data-testid="webhook-secret-value">
        {secret}
      </code>
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          onClick={() =>
            void navigator.clipboard?.writeText(secret).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
          {copied ? t("secret.copied") : t("secret.copy")}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          {t("secret.done")}
        </Button>
      </div>
    </section>
  );
}

/** Registering an endpoint: URL, description, the events it wants. The server checks the URL again (SSRF guard). */
export function NewWebhookEndpoint({ create, count }: { create: Action<CreatedEndpoint>; count: number }) {
  const t = useTranslations("webhooks");
  const events = useTranslations("webhooks.events");
  const { pending, run } = useAction();
  const [secret, setSecret] = useState<string | null>(null);
  const form = useForm<EndpointInput, unknown, EndpointValues>({ resolver: zodResolver(endpointSchema), defaultValues: { url: "", description: "", events: [] } });
  const { errors } = form.formState;
  const full = count >= endpointBounds.endpoints;

  const onSubmit = form.handleSubmit((values) =>
    run(
      (stepUp) => create({ ...values, ...stepUp }),
      (result) => {
        if (result.ok) {
          setSecret(result.data.secret);
          form.reset({ url: "", description: "", events: [] });
          return;
        }
        for (const [field, messages] of Object.entries(result.fieldErrors ?? {})) {
          form.setError(field === "form" ? "root.server" : (field as Path<EndpointInput>), { message: messages[0] });
        }
      },
    ),
  );

  if (secret) return <SecretOnce secret={secret} onDone={() => setSecret(null)} />;

  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="new-endpoint" className="flex flex-col gap-4 rounded-lg border border-line bg-surface p-4 sm:p-5">
      <h2 id="new-endpoint" className="text-base font-semibold">
        {t("new.heading")}
      </h2>
      <Field id="webhook-url" label={t("new.url")} hint={t("new.urlHint")} error={errors.url?.message}>
        {(aria) => <Input {...aria} type="url" inputMode="url" autoComplete="off" spellCheck={false} placeholder="https://erp.example.co.id/webhooks/cashin" {...form.register("url")} />}
      </Field>
      <Field id="webhook-description" label={t("new.description")} error={errors.description?.message}>
        {(aria) => <Input {...aria} maxLength={endpointBounds.description} {...form.register("description")} />}
      </Field>
      <fieldset className="flex flex-col gap-2" aria-describedby={errors.events?.message ? "webhook-events-error" : undefined}>
        <legend className="mb-1 text-sm font-medium text-ink">{t("new.events")}</legend>
        <div className="grid gap-1 sm:grid-cols-2">
          {webhookEventTypes.map((type) => (
            <label key={type} className="flex min-h-11 items-start gap-2 rounded-md px-1 py-2 text-sm hover:bg-canvas">
              <input type="checkbox" value={type} className="mt-0.5 size-5 shrink-0 accent-brand" {...form.register("events")} />
              <span className="min-w-0">
                <span className="block font-mono text-xs text-ink">{type}</span>
                <span className="block text-ink-muted">{events(type.replace(".", "_") as "payout_succeeded")}</span>
              </span>
            </label>
          ))}
        </div>
        {errors.events?.message ? (
          <p id="webhook-events-error" className="text-xs font-medium text-danger">
            {errors.events.message}
          </p>
        ) : null}
      </fieldset>
      {errors.root?.server?.message ? (
        <p role="alert" className="rounded-md border border-danger/40 bg-danger/5 p-3 text-sm font-medium text-danger">
          {errors.root.server.message}
        </p>
      ) : null}
      {full ? <p className="text-sm text-ink-muted">{t("new.full", { max: endpointBounds.endpoints })}</p> : null}
      <div>
        <Button type="submit" disabled={pending || full} className="w-full sm:w-auto">
          <Plus aria-hidden />
          {pending ? t("new.saving") : t("new.save")}
        </Button>
      </div>
    </form>
  );
}

/** Disable / enable an endpoint, and make a new signing secret (asked to confirm: the old one stops at once). */
export function WebhookEndpointActions({
  endpointId,
  url,
  active,
  setActive,
  rotate,
}: {
  endpointId: number;
  url: string;
  active: boolean;
  setActive: Action<null>;
  rotate: Action<CreatedEndpoint>;
}) {
  const t = useTranslations("webhooks");
  const { pending, run } = useAction();
  const [confirming, setConfirming] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" disabled={pending} aria-label={t(active ? "disableLabel" : "enableLabel", { url })} onClick={() => run(() => setActive({ endpointId, active: !active }))}>
          {active ? t("disable") : t("enable")}
        </Button>
        <Dialog open={confirming} onOpenChange={setConfirming}>
          <Button variant="ghost" disabled={pending} aria-label={t("rotate.label", { url })} onClick={() => setConfirming(true)}>
            <KeyRound aria-hidden />
            {t("rotate.button")}
          </Button>
          <DialogContent title={t("rotate.title")} description={t("rotate.description", { url })}>
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="secondary">{t("rotate.keep")}</Button>
              </DialogClose>
              <Button
                disabled={pending}
                onClick={() =>
                  run(
                    (stepUp) => rotate({ endpointId, ...stepUp }),
                    (result) => {
                      setConfirming(false);
                      if (result.ok) setSecret(result.data.secret);
                    },
                  )
                }
              >
                {t("rotate.confirm")}
              </Button>
            </DialogFooter>
          </DialogContent>
        </Dialog>
      </div>
      {secret ? <SecretOnce secret={secret} onDone={() => setSecret(null)} /> : null}
    </div>
  );
}

/** Resend one delivery now (docs/webhooks.md#resend); the toast says what the endpoint answered. */
export function ResendWebhookButton({ deliveryId, eventId, resend }: { deliveryId: number; eventId: string; resend: Action<{ status: number | null; latencyMs: number }> }) {
  const t = useTranslations("webhooks");
  const { pending, run } = useAction();
  return (
    <Button size="sm" variant="secondary" disabled={pending} aria-label={t("log.resendLabel", { event: eventId })} onClick={() => run(() => resend({ deliveryId }))}>
      {pending ? t("log.resending") : t("log.resend")}
    </Button>
  );
}
