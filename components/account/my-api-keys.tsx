"use client";

import { Copy, KeyRound, TriangleAlert } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useFormat } from "@/components/i18n/use-format";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useAction } from "@/components/ui/use-action";
import type { ApiScope } from "@/lib/api/key-schema";
import type { ActionResult } from "@/lib/result";

export type WaitingKeyView = {
  id: number;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  allowedIps: string[] | null;
  createdBy: string;
  createdAt: string;
  expiresOn: string | null;
};

/** `approvesFrom`: 24 hours after it was shown (docs/api.md#keys). */
type Issued = { id: number; name: string; key: string; approvesFrom: Date };

/**
 * My account, "API keys for you" (docs/api.md#keys): the approve keys an admin made for this manager. "Show the key"
 * asks for a fresh two-step code (the action's step-up), then shows the key once, here only.
 */
export function MyApiKeys({ keys, issue }: { keys: WaitingKeyView[]; issue: (input: unknown) => Promise<ActionResult<Issued>> }) {
  const t = useTranslations("myApiKeys");
  const [issued, setIssued] = useState<Issued[]>([]);
  // The keys as listed, plus any shown here since: a key just shown stays on screen (with its secret) when the page
  // is read again without it.
  const [listed, setListed] = useState(keys);
  const fresh = keys.filter((key) => !listed.some((l) => l.id === key.id));
  if (fresh.length > 0) setListed([...listed, ...fresh]);
  const visible = listed.filter((key) => keys.some((k) => k.id === key.id) || issued.some((i) => i.id === key.id));
  if (visible.length === 0) return null;
  return (
    <section id="api-keys" aria-labelledby="api-keys-title" className="scroll-mt-16 rounded-lg border border-line bg-surface p-4 sm:p-5">
      <h2 id="api-keys-title" className="text-base font-semibold">
        {t("title")}
      </h2>
      <p className="mt-1 text-sm text-ink-muted">{t("description")}</p>
      <ul className="mt-3 flex flex-col gap-3">
        {visible.map((key) => {
          const shown = issued.find((i) => i.id === key.id);
          return (
            <li key={key.id} data-testid={`waiting-key-${key.name}`} className="rounded-md border border-line p-3">
              <WaitingKey apiKey={key} />
              {shown ? <ShownOnce issued={shown} /> : <ShowButton apiKey={key} issue={issue} onIssued={(i) => setIssued((all) => [...all, i])} />}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function WaitingKey({ apiKey }: { apiKey: WaitingKeyView }) {
  const t = useTranslations("myApiKeys");
  return (
    <div className="flex flex-col gap-1 text-sm">
      <p className="font-medium break-words">{apiKey.name}</p>
      <p className="font-mono text-xs text-ink-muted">{t("prefix", { prefix: apiKey.prefix })}</p>
      <ul className="flex flex-wrap gap-1">
        {apiKey.scopes.map((scope) => (
          <li key={scope}>
            <Badge tone="neutral" className="font-mono">
              {scope}
            </Badge>
          </li>
        ))}
      </ul>
      <p className="text-xs text-ink-muted">{t("madeBy", { name: apiKey.createdBy, at: apiKey.createdAt })}</p>
      <p className="text-xs break-all text-ink-muted">{apiKey.allowedIps ? t("addresses", { addresses: apiKey.allowedIps.join(", ") }) : t("anyAddress")}</p>
      {apiKey.expiresOn ? <p className="text-xs text-ink-muted">{t("expires", { on: apiKey.expiresOn })}</p> : null}
    </div>
  );
}

function ShowButton({ apiKey, issue, onIssued }: { apiKey: WaitingKeyView; issue: (input: unknown) => Promise<ActionResult<Issued>>; onIssued: (issued: Issued) => void }) {
  const t = useTranslations("myApiKeys");
  const { pending, run } = useAction();
  return (
    <Button
      size="sm"
      className="mt-3"
      disabled={pending}
      aria-label={t("showLabel", { name: apiKey.name })}
      onClick={() => run((stepUp) => issue({ keyId: apiKey.id, ...stepUp }), (result) => result.ok && onIssued(result.data))}
    >
      <KeyRound aria-hidden />
      {pending ? t("showing") : t("show")}
    </Button>
  );
}

function ShownOnce({ issued }: { issued: Issued }) {
  const t = useTranslations("myApiKeys");
  const format = useFormat();
  const [copied, setCopied] = useState(false);
  return (
    <div className="mt-3 flex flex-col gap-3">
      <p role="alert" className="flex gap-2 rounded-md border border-warn/30 bg-warn-soft p-3 text-sm text-ink">
        <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-warn" />
        <span>
          {t("shownWarning")} {t("approvesFrom", { at: format.dateTime(new Date(issued.approvesFrom)) })}
        </span>
      </p>
      <Field id={`issued-key-${issued.id}`} label={t("theKey")}>
        {(aria) => <Input {...aria} readOnly value={issued.key} className="font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />}
      </Field>
      <Button
        variant="secondary"
        size="sm"
        className="self-start"
        onClick={() => {
          void navigator.clipboard?.writeText(issued.key).then(() => setCopied(true));
        }}
      >
        <Copy aria-hidden />
        {copied ? t("copied") : t("copy")}
      </Button>
    </div>
  );
}
