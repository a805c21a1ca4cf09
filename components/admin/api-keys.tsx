"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Copy, KeyRound, Plus, TriangleAlert } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import type { z } from "zod";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { applyFieldErrors } from "@/components/ui/form-errors";
import { Input, controlClass } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger } from "@/components/ui/select";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { useAction } from "@/components/ui/use-action";
import { apiScopes, createApiKeySchema, type ApiScope, type CreateApiKeyInput } from "@/lib/api/key-schema";
import type { ActionResult } from "@/lib/result";
import type { Role } from "@/lib/users/schemas";

export type ApiKeyView = {
  id: number;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  allowedIps: string[] | null;
  owner: { name: string; email: string };
  createdAt: string;
  expiresOn: string | null;
  lastUsed: { at: string; ip: string } | null;
  revokedAt: string | null;
  /** An approve key in its first 24 hours: when it starts approving. */
  approvesFrom: string | null;
  state: "active" | "waiting" | "revoked" | "expired";
};

type Owner = { id: number; name: string; email: string; role: Role };
/** `key` null: an approve key, shown to its person (`waitsFor`) on their My account, never here. */
type Created = { id: number; name: string; prefix: string; key: string | null; waitsFor: { name: string; email: string } | null };

/**
 * API keys (docs/api.md#keys): the list, "New API key" (a read/create key is shown once, in the dialog that made it; an
 * approve key is shown to its manager on My account instead) and Revoke.
 * The server checks everything again (lib/api/key-admin.ts).
 */
export function ApiKeysAdmin({
  keys,
  owners,
  today,
  create,
  revoke,
}: {
  keys: ApiKeyView[];
  owners: Owner[];
  today: string;
  create: (input: unknown) => Promise<ActionResult<Created>>;
  revoke: (input: unknown) => Promise<ActionResult<null>>;
}) {
  const t = useTranslations("apiKeys");
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-ink-muted">{keys.length > 0 ? t("count", { count: keys.length, active: keys.filter((k) => k.state === "active").length }) : null}</p>
        <CreateKeyDialog owners={owners} today={today} create={create} />
      </div>
      {keys.length === 0 ? <p className="rounded-lg border border-line bg-surface p-4 text-sm text-ink-muted">{t("none")}</p> : null}
      {keys.length > 0 ? (
        <>
          <ul className="flex flex-col gap-2 2xl:hidden" aria-label={t("listLabel")}>
            {keys.map((key) => (
              <li key={key.id} data-testid={`api-key-card-${key.name}`} className="rounded-lg border border-line bg-surface p-3">
                <div className="flex items-start justify-between gap-2">
                  <KeyName apiKey={key} />
                  <StateBadge apiKey={key} />
                </div>
                <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1.5 text-sm">
                  <dt className="text-xs text-ink-muted">{t("scopes")}</dt>
                  <dd>
                    <Scopes scopes={key.scopes} />
                  </dd>
                  <dt className="text-xs text-ink-muted">{t("actsFor")}</dt>
                  <dd>
                    <Owner apiKey={key} />
                  </dd>
                  <dt className="text-xs text-ink-muted">{t("addresses")}</dt>
                  <dd>
                    <Addresses apiKey={key} />
                  </dd>
                  <dt className="text-xs text-ink-muted">{t("expires")}</dt>
                  <dd>{key.expiresOn ?? t("noExpiry")}</dd>
                  <dt className="text-xs text-ink-muted">{t("lastUsed")}</dt>
                  <dd>
                    <LastUsed apiKey={key} />
                  </dd>
                </dl>
                {key.state === "active" || key.state === "waiting" ? <RevokeDialog apiKey={key} revoke={revoke} className="mt-3" /> : null}
              </li>
            ))}
          </ul>
          <div className="hidden 2xl:block">
            <Table aria-label={t("listLabel")}>
              <THead>
                <tr>
                  <TH>{t("name")}</TH>
                  <TH>{t("scopes")}</TH>
                  <TH>{t("actsFor")}</TH>
                  <TH>{t("addresses")}</TH>
                  <TH>{t("expires")}</TH>
                  <TH>{t("lastUsed")}</TH>
                  <TH className="text-right">{t("actions")}</TH>
                </tr>
              </THead>
              <TBody>
                {keys.map((key) => (
                  <TR key={key.id} data-testid={`api-key-row-${key.name}`} className={key.state === "active" ? undefined : "text-ink-muted"}>
                    <TD className="min-w-40 py-1.5">
                      <KeyName apiKey={key} />
                      <div className="mt-1">
                        <StateBadge apiKey={key} />
                      </div>
                    </TD>
                    <TD>
                      <Scopes scopes={key.scopes} />
                    </TD>
                    <TD className="min-w-44 py-1.5">
                      <Owner apiKey={key} />
                    </TD>
                    <TD className="max-w-40">
                      <Addresses apiKey={key} />
                    </TD>
                    <TD className="whitespace-nowrap">{key.expiresOn ?? t("noExpiry")}</TD>
                    <TD className="max-w-36 text-xs">
                      <LastUsed apiKey={key} />
                    </TD>
                    <TD className="text-right">{key.state === "active" || key.state === "waiting" ? <RevokeDialog apiKey={key} revoke={revoke} /> : null}</TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          </div>
        </>
      ) : null}
    </div>
  );
}

function KeyName({ apiKey }: { apiKey: ApiKeyView }) {
  const t = useTranslations("apiKeys");
  return (
    <div className="min-w-0">
      <p className="font-medium break-words">{apiKey.name}</p>
      <p className="font-mono text-xs text-ink-muted">{t("prefix", { prefix: apiKey.prefix })}</p>
      <p className="text-xs text-ink-muted">{t("createdAt", { at: apiKey.createdAt })}</p>
    </div>
  );
}

function Owner({ apiKey }: { apiKey: ApiKeyView }) {
  return (
    <>
      <p className="break-words">{apiKey.owner.name}</p>
      <p className="text-xs break-all text-ink-muted">{apiKey.owner.email}</p>
    </>
  );
}

function Scopes({ scopes }: { scopes: ApiScope[] }) {
  return (
    <ul className="flex flex-wrap gap-1">
      {scopes.map((scope) => (
        <li key={scope}>
          <Badge tone="neutral" className="font-mono">
            {scope}
          </Badge>
        </li>
      ))}
    </ul>
  );
}

function Addresses({ apiKey }: { apiKey: ApiKeyView }) {
  const t = useTranslations("apiKeys");
  if (!apiKey.allowedIps) return <span className="text-ink-muted">{t("anyAddress")}</span>;
  return (
    <ul className="font-mono text-xs">
      {apiKey.allowedIps.map((cidr) => (
        <li key={cidr} className="break-all">
          {cidr}
        </li>
      ))}
    </ul>
  );
}

function LastUsed({ apiKey }: { apiKey: ApiKeyView }) {
  const t = useTranslations("apiKeys");
  return apiKey.lastUsed ? <span>{t("usedAt", { at: apiKey.lastUsed.at, ip: apiKey.lastUsed.ip })}</span> : <span className="text-ink-muted">{t("neverUsed")}</span>;
}

function StateBadge({ apiKey }: { apiKey: ApiKeyView }) {
  const t = useTranslations("apiKeys");
  if (apiKey.state === "active") {
    return (
      <span className="flex flex-col items-end gap-0.5 2xl:items-start">
        <Badge tone="ok">{t("active")}</Badge>
        {apiKey.approvesFrom ? <span className="text-right text-xs text-warn 2xl:text-left">{t("approvesFrom", { at: apiKey.approvesFrom })}</span> : null}
      </span>
    );
  }
  if (apiKey.state === "waiting") {
    return (
      <span className="flex flex-col items-end gap-0.5 2xl:items-start">
        <Badge tone="warn">{t("waiting")}</Badge>
        <span className="text-right text-xs text-ink-muted 2xl:text-left">{t("waitingHint")}</span>
      </span>
    );
  }
  if (apiKey.state === "expired") return <Badge tone="neutral">{t("expired")}</Badge>;
  return (
    <span className="flex flex-col items-end gap-0.5 2xl:items-start">
      <Badge tone="neutral">{t("revoked")}</Badge>
      <span className="text-xs text-ink-muted">{apiKey.revokedAt}</span>
    </span>
  );
}

const scopeHint = { "payouts:read": "scope.read", "payouts:create": "scope.create", "payouts:approve": "scope.approve" } as const satisfies Record<ApiScope, string>;

type Values = z.output<typeof createApiKeySchema>;
const empty: CreateApiKeyInput = { name: "", scopes: [], ownerId: 0, allowedIps: "", expiresOn: "" };

function CreateKeyDialog({ owners, today, create }: { owners: Owner[]; today: string; create: (input: unknown) => Promise<ActionResult<Created>> }) {
  const t = useTranslations("apiKeys");
  const common = useTranslations("common");
  const roleName = useTranslations("roles");
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const { pending, run } = useAction();
  const form = useForm<CreateApiKeyInput, unknown, Values>({ resolver: zodResolver(createApiKeySchema), defaultValues: empty });
  const { errors } = form.formState;
  const scopes = (useWatch({ control: form.control, name: "scopes" }) ?? []) as ApiScope[];
  const ownerId = useWatch({ control: form.control, name: "ownerId" });
  // An approve key acts for a manager (docs/api.md#keys); the server checks it again.
  const eligible = scopes.includes("payouts:approve") ? owners.filter((o) => o.role === "manager") : owners;

  const toggleScope = (scope: ApiScope, on: boolean) =>
    form.setValue("scopes", on ? [...scopes, scope] : scopes.filter((s) => s !== scope), { shouldValidate: form.formState.isSubmitted });

  // The server parses the input as typed (the form's own parse only checks it first).
  const onSubmit = form.handleSubmit(() =>
    run(
      (stepUp) => create({ ...form.getValues(), ...stepUp }),
      (result) => {
        if (result.ok) {
          setCreated(result.data);
          form.reset(empty);
          return;
        }
        applyFieldErrors(form.setError, result);
      },
    ),
  );

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        // The key leaves the page with the dialog: it is never shown again.
        if (!next) setCreated(null);
      }}
    >
      <Button aria-haspopup="dialog" onClick={() => setOpen(true)}>
        <Plus aria-hidden />
        {t("newKey")}
      </Button>
      {created?.waitsFor ? (
        <DialogContent title={t("createdForOwnerTitle", { name: created.name })} description={t("createdForOwnerBody", { owner: created.waitsFor.name, email: created.waitsFor.email })}>
          <DialogFooter>
            <DialogClose asChild>
              <Button>{t("done")}</Button>
            </DialogClose>
          </DialogFooter>
        </DialogContent>
      ) : created?.key ? (
        <DialogContent title={t("createdTitle", { name: created.name })} description={t("createdDescription")}>
          <ShownOnce apiKey={created.key} />
          <DialogFooter>
            <DialogClose asChild>
              <Button>{t("copiedDone")}</Button>
            </DialogClose>
          </DialogFooter>
        </DialogContent>
      ) : (
        <DialogContent title={t("newKey")} description={t("newKeyDescription")}>
          <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3">
            <Field id="key-name" label={t("name")} hint={t("nameHint")} error={errors.name?.message}>
              {(aria) => <Input {...aria} autoComplete="off" {...form.register("name")} />}
            </Field>
            <fieldset className="flex flex-col gap-1" aria-describedby={errors.scopes ? "key-scopes-error" : "key-scopes-hint"}>
              <legend className="mb-1 text-xs font-medium text-ink">{t("scopes")}</legend>
              {apiScopes.map((scope) => (
                <label key={scope} className="flex min-h-6 items-start gap-2 text-sm">
                  <input type="checkbox" className="mt-0.5 size-4 shrink-0" checked={scopes.includes(scope)} onChange={(e) => toggleScope(scope, e.target.checked)} />
                  <span>
                    <span className="font-mono">{scope}</span>
                    <span className="block text-xs text-ink-muted">{t(scopeHint[scope])}</span>
                  </span>
                </label>
              ))}
              {errors.scopes ? (
                <p id="key-scopes-error" className="text-xs font-medium text-danger">
                  {errors.scopes.message}
                </p>
              ) : (
                <p id="key-scopes-hint" className="text-xs text-ink-muted">
                  {t("scopesHint")}
                </p>
              )}
            </fieldset>
            <Field id="key-owner" label={t("actsFor")} hint={t("actsForHint")} error={errors.ownerId?.message}>
              {(aria) => (
                <Select value={ownerId ? String(ownerId) : ""} onValueChange={(value) => form.setValue("ownerId", Number(value), { shouldValidate: true })}>
                  <SelectTrigger {...aria} placeholder={t("choosePerson")} />
                  <SelectContent>
                    {eligible.map((owner) => (
                      <SelectItem key={owner.id} value={String(owner.id)}>
                        {t("personOption", { name: owner.name, email: owner.email, role: roleName(owner.role) })}
                      </SelectItem>
                    ))}
                  </SelectContent>
                </Select>
              )}
            </Field>
            <Field id="key-addresses" label={t("addresses")} hint={t("addressesHint")} error={errors.allowedIps?.message}>
              {(aria) => <textarea {...aria} rows={3} className={`${controlClass} h-auto py-1.5 font-mono`} autoComplete="off" {...form.register("allowedIps")} />}
            </Field>
            <Field id="key-expires" label={t("expiresOn")} hint={t("expiresHint")} error={errors.expiresOn?.message}>
              {(aria) => <Input {...aria} type="date" min={today} {...form.register("expiresOn")} />}
            </Field>
            {errors.root?.server ? <p className="text-sm text-danger">{errors.root.server.message}</p> : null}
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="secondary">{common("cancel")}</Button>
              </DialogClose>
              <Button type="submit" disabled={pending}>
                <KeyRound aria-hidden />
                {pending ? t("creating") : t("create")}
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      )}
    </Dialog>
  );
}

function ShownOnce({ apiKey }: { apiKey: string }) {
  const t = useTranslations("apiKeys");
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex flex-col gap-3">
      <p role="alert" className="flex gap-2 rounded-md border border-warn/30 bg-warn-soft p-3 text-sm text-ink">
        <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-warn" />
        {t("shownOnceWarning")}
      </p>
      <Field id="created-key" label={t("theKey")}>
        {(aria) => <Input {...aria} readOnly value={apiKey} className="font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />}
      </Field>
      <Button
        variant="secondary"
        className="self-start"
        onClick={() => {
          void navigator.clipboard?.writeText(apiKey).then(() => setCopied(true));
        }}
      >
        <Copy aria-hidden />
        {copied ? t("copied") : t("copy")}
      </Button>
    </div>
  );
}

function RevokeDialog({ apiKey, revoke, className }: { apiKey: ApiKeyView; revoke: (input: unknown) => Promise<ActionResult<null>>; className?: string }) {
  const t = useTranslations("apiKeys");
  const common = useTranslations("common");
  const [open, setOpen] = useState(false);
  const { pending, run } = useAction();
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Button variant="secondary" size="sm" className={className} aria-haspopup="dialog" aria-label={t("revokeLabel", { name: apiKey.name })} onClick={() => setOpen(true)}>
        {t("revoke")}
      </Button>
      <DialogContent title={t("revokeTitle", { name: apiKey.name })} description={t("revokeDescription")}>
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary">{common("cancel")}</Button>
          </DialogClose>
          <Button
            variant="danger"
            disabled={pending}
            onClick={() =>
              run(
                (stepUp) => revoke({ keyId: apiKey.id, ...stepUp }),
                (result) => {
                  if (result.ok) setOpen(false);
                },
              )
            }
          >
            {t("revokeConfirm")}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
