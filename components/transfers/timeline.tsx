import { ArrowLeftRight, UserRound } from "lucide-react";
import { useLocale, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { useFormat } from "@/components/i18n/use-format";
import { Badge } from "@/components/ui/badge";
import type { TimelineEvent } from "@/lib/transfers/history";
import type { GatewayCallRow } from "@/lib/transfers/timeline";
import { classifyTransferStatus } from "@/lib/cashin/codes";
import { cn } from "@/lib/cn";
import type { Format } from "@/lib/format";
import type { Locale } from "@/lib/i18n/locales";
import { storedText } from "@/lib/i18n/stored";
import { formatPhone } from "@/lib/phone-display";
import { transferStatuses, type TransferStatus } from "@/lib/transfers/status";
import { WALLETS, type Wallet } from "@/lib/cashin/protocol";
import { walletLabel } from "@/lib/transfers/wallets";
import { actorName } from "@/lib/actor";

type T = ReturnType<typeof useTranslations<"timeline">>;
type StatusT = ReturnType<typeof useTranslations<"transferStatus">>;

const isStatus = (value: string): value is TransferStatus => (transferStatuses as readonly string[]).includes(value);

/**
 * What happened to a transfer, oldest first: every HTTP exchange with Cash In (docs/lifecycle.md#5-every-gateway-call-is-on-the-timeline) and
 * every audit entry, so a person can tell who decided what and what Cash In answered.
 */
export function Timeline({ events }: { events: TimelineEvent[] }) {
  const t = useTranslations("timeline");
  if (events.length === 0) return <p className="text-sm text-ink-muted">{t("empty")}</p>;
  return (
    <ol className="flex flex-col">
      {events.map((event) =>
        event.kind === "gateway" ? (
          <GatewayCallItem key={`call-${event.call.id}`} call={event.call} />
        ) : (
          <AuditItem key={`audit-${event.entry.id}`} entry={event.entry} />
        ),
      )}
    </ol>
  );
}

function Item({ icon, tone, children, testId }: { icon: "gateway" | "person"; tone: string; children: ReactNode; testId: string }) {
  const Icon = icon === "gateway" ? ArrowLeftRight : UserRound;
  return (
    <li className="group/event relative flex gap-3 pb-4 last:pb-0" data-testid={testId}>
      <span aria-hidden className="absolute top-7 bottom-0 left-3.5 w-px bg-line group-last/event:hidden" />
      <span aria-hidden className={cn("relative flex size-7 shrink-0 items-center justify-center rounded-full ring-1 ring-inset", tone)}>
        <Icon className="size-3.5" />
      </span>
      <div className="min-w-0 flex-1 pt-0.5">{children}</div>
    </li>
  );
}

function GatewayCallItem({ call }: { call: GatewayCallRow }) {
  const t = useTranslations("timeline");
  const format = useFormat();
  const succeeded = call.httpStatus !== null && call.httpStatus < 300;
  const reported = call.call === "status" ? reportedStatus(call, t) : null;
  return (
    <Item icon="gateway" tone={succeeded ? "bg-info-soft text-info ring-info/20" : "bg-warn-soft text-warn ring-warn/20"} testId="timeline-gateway-call">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <p className="font-medium">
          {t(`call.${call.call}`)}
          {call.attempt > 1 ? <span className="ml-1.5 text-xs font-normal text-ink-muted">{t("attempt", { attempt: call.attempt })}</span> : null}
        </p>
        <time dateTime={call.startedAt.toISOString()} className="text-xs text-ink-muted tabular-nums">
          {format.dateTime(call.startedAt, { seconds: true })}
        </time>
      </div>
      <p className="mt-0.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-ink-muted">
        {reported ? (
          <Badge tone={reported.tone} data-testid="reported-status">
            {reported.text}
          </Badge>
        ) : null}
        <Badge tone={succeeded ? "ok" : "warn"}>{call.httpStatus === null ? t("noHttpAnswer") : `HTTP ${call.httpStatus}`}</Badge>
        {call.responseCode ? <span className="font-mono text-ink">{call.responseCode}</span> : null}
        <span>{call.outcome.replaceAll("_", " ")}</span>
        <span>· {t("duration", { ms: format.number(call.durationMs) })}</span>
        <span className="min-w-0 break-all">· {t("externalId", { id: call.externalId })}</span>
      </p>
      {call.error ? <p className="mt-1 text-xs font-medium break-words text-danger">{call.error}</p> : null}
      <details className="mt-1.5">
        <summary className="inline-flex min-h-6 cursor-pointer items-center text-xs font-medium text-brand select-none hover:underline">{t("requestAndResponse")}</summary>
        <div className="mt-2 grid grid-cols-1 gap-2 sm:grid-cols-2">
          <JsonBody label={t("request", { path: call.path })} body={call.requestBody} empty={t("emptyBody")} />
          <JsonBody label={t("response")} body={call.responseBody} empty={t("emptyBody")} />
        </div>
      </details>
    </Item>
  );
}

/**
 * A status call is shown with the transfer status it reported ("03 Pending"), never just its HTTP
 * outcome (docs/lifecycle.md#paying-twice-is-impossible): read from the stored answer, as Cash In wrote it.
 */
function reportedStatus({ responseBody, responseCode }: GatewayCallRow, t: T): { text: string; tone: "ok" | "warn" | "danger" | "info" | "neutral" } | null {
  let code: unknown;
  try {
    code = (JSON.parse(responseBody ?? "") as { latestTransactionStatus?: unknown }).latestTransactionStatus;
  } catch {
    return null;
  }
  // 404xx01 "transaction not found" is the same fact as status 07 (docs/gateway.md#response-codes).
  if (code === undefined && responseCode && /^404\d{2}01$/.test(responseCode)) code = "07";
  if (typeof code !== "string" && typeof code !== "number") return null;
  const status = classifyTransferStatus(String(code));
  const tone = { succeeded: "ok", refunded: "neutral", failed: "danger", not_found: "warn", pending: "info", unknown: "warn" } as const;
  return { text: `${status.code} ${status.state === "unknown" ? t("unknown") : status.label}`, tone: tone[status.state] };
}

function JsonBody({ label, body, empty }: { label: string; body: string | null; empty: string }) {
  return (
    <figure className="min-w-0">
      <figcaption className="mb-1 truncate text-xs text-ink-muted">{label}</figcaption>
      {/* Focusable, so a keyboard can scroll a long body (scrollable-region-focusable). */}
      <pre tabIndex={0} className="max-h-80 overflow-auto rounded-md border border-line bg-canvas p-2 font-mono text-xs leading-relaxed">
        {pretty(body, empty)}
      </pre>
    </figure>
  );
}

/** Bodies are stored exactly as sent and received; indent them for reading, or show them as they are. */
function pretty(body: string | null, empty: string): string {
  if (body === null || body === "") return empty;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

type AuditView = Extract<TimelineEvent, { kind: "audit" }>["entry"];

function AuditItem({ entry }: { entry: AuditView }) {
  const t = useTranslations("timeline");
  const auditT = useTranslations("audit");
  const status = useTranslations("transferStatus");
  const format = useFormat();
  const locale = useLocale();
  const changes = auditChanges(entry.before, entry.after, { t, status, format, locale }, personsReason.test(entry.action));
  return (
    <Item icon="person" tone="bg-brand-soft text-brand-strong ring-brand/20" testId="timeline-audit-entry">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <p className="min-w-0 break-words">
          <span className="font-medium">{auditTitle(entry.action, t, status)}</span>{" "}
          <span className="text-ink-muted">{t("by", { name: actorName(entry, (values) => auditT("viaApiKey", values)) ?? t("theSystem") })}</span>
        </p>
        <time dateTime={entry.at.toISOString()} className="text-xs text-ink-muted tabular-nums">
          {format.dateTime(entry.at, { seconds: true })}
        </time>
      </div>
      {changes.length > 0 || entry.ip ? (
        <dl className="mt-0.5 grid grid-cols-[max-content_minmax(0,1fr)] gap-x-3 text-xs">
          {changes.map(([name, value]) => (
            <div key={name} className="contents">
              <dt className="text-ink-muted">{name}</dt>
              <dd className="break-words">{value}</dd>
            </div>
          ))}
          {entry.ip ? (
            <div className="contents">
              <dt className="text-ink-muted">{t("from")}</dt>
              <dd className="font-mono break-all">{entry.ip}</dd>
            </div>
          ) : null}
        </dl>
      ) : null}
    </Item>
  );
}

/** Entries whose words are not their status's name (`transfer.succeeded` → "Succeeded"); others read from their action. */
const auditActions = [
  "create",
  "reference",
  "resolution_proposed",
  "resolution_declined",
  "resolution_confirm_refused",
  "discrepancy",
  "discrepancy_reviewed",
  "duplicate_tick_refused",
  "retry_refused",
  "owner_name",
  "approval_hold_refused",
] as const;
type AuditAction = (typeof auditActions)[number];

function auditTitle(action: string, t: T, status: StatusT): string {
  const verb = action.replace(/^transfer\./, "");
  if ((auditActions as readonly string[]).includes(verb)) return t(`action.${verb as AuditAction}`);
  if (isStatus(verb)) return status(`${verb}.label`);
  const words = verb.replaceAll(/[._]/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Fields the timeline names in words; any other is spelled out from its key. */
const fieldNames = [
  "status",
  "amount",
  "reference",
  "wallet",
  "phone",
  "ownerName",
  "cashinReference",
  "lastCode",
  "lastMessage",
  "reason",
  "sentAt",
  "settledAt",
  "decidedAt",
  "approverId",
  "retryOf",
  "batch",
  "separateFrom",
  "duplicatesChecked",
  "outcome",
  "reported",
  "discrepancy",
  "note",
  "refused",
  "decision",
  "holdUntil",
  "acknowledgedAtApproval",
  "inquiryId",
] as const;
type FieldName = (typeof fieldNames)[number];

type Words = { t: T; status: StatusT; format: Format; locale: Locale };

/** Entries whose reason a person typed (a rejection, a cancellation, a resolution's ticket): shown as written. */
const personsReason = /\.(rejected|canceled|cancel|reject|resolution_proposed|resolution_declined)$/;

/** Fields that hold texts the server wrote, in English (lib/i18n/stored.ts): read in the reader's language. */
const serverTexts = new Set(["lastMessage", "refused", "discrepancy", "reported", "note", "reason"]);

/** What an entry changed, as "Status: Sending → Succeeded" and one line per other field it set. */
function auditChanges(before: unknown, after: unknown, words: Words, reasonTyped = false): [string, string][] {
  const { t, format } = words;
  const was = isRecord(before) ? before : {};
  const now = isRecord(after) ? after : {};
  const lines: [string, string][] = [];
  for (const [key, value] of Object.entries(now)) {
    const name = (fieldNames as readonly string[]).includes(key) ? t(`field.${key as FieldName}`) : spelled(key);
    if (key === "status") {
      const from = typeof was.status === "string" ? `${statusLabel(was.status, words)} → ` : "";
      lines.push([name, `${from}${statusLabel(String(value), words)}`]);
    } else if (key === "amount" && typeof value === "number") {
      lines.push([name, format.rupiah(value)]);
    } else if (key === "wallet" && typeof value === "string" && (WALLETS as readonly string[]).includes(value)) {
      lines.push([name, walletLabel[value as Wallet]]);
    } else if (key === "phone" && typeof value === "string") {
      lines.push([name, formatPhone(value)]);
    } else if (value !== null && value !== undefined) {
      lines.push([name, readable(value, words, serverTexts.has(key) && !(key === "reason" && reasonTyped))]);
    }
  }
  return lines;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function statusLabel(value: string, { status }: Words): string {
  return isStatus(value) ? status(`${value}.label`) : value;
}

function spelled(key: string): string {
  const spaced = key.replace(/([a-z])([A-Z])/g, "$1 $2").replaceAll("_", " ").toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function readable(value: unknown, { t, format, locale }: Words, ours = false): string {
  // Notes and answers the server stored in English read in the reader's language (lib/i18n/stored.ts); what a
  // person wrote (a memo, a reason, a name) stays as written.
  if (typeof value === "string") return isoDate.test(value) ? format.dateTime(new Date(value), { seconds: true }) : ours ? storedText(value, locale) : value;
  if (typeof value === "boolean") return value ? t("yes") : t("no");
  if (typeof value === "number") return String(value);
  return JSON.stringify(value);
}
