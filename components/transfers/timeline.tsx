import { ArrowLeftRight, UserRound } from "lucide-react";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import type { TimelineEvent } from "@/lib/transfers/history";
import type { GatewayCallRow } from "@/lib/transfers/timeline";
import { classifyTransferStatus } from "@/lib/cashin/codes";
import { cn } from "@/lib/cn";
import { formatDateTime, formatRupiah } from "@/lib/format";
import { statusInfo } from "@/lib/transfers/status";

const callTitle: Record<GatewayCallRow["call"], string> = {
  inquiry: "Account inquiry (look-up)",
  topup: "Top-up sent to Cash In",
  status: "Status check",
};

/**
 * What happened to a transfer, oldest first: every HTTP exchange with Cash In (docs/lifecycle.md#5-every-gateway-call-is-on-the-timeline) and
 * every audit entry, so a person can tell who decided what and what Cash In answered.
 */
export function Timeline({ events }: { events: TimelineEvent[] }) {
  if (events.length === 0) return <p className="text-sm text-ink-muted">Nothing recorded yet.</p>;
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
  const succeeded = call.httpStatus !== null && call.httpStatus < 300;
  const reported = call.call === "status" ? reportedStatus(call) : null;
  return (
    <Item icon="gateway" tone={succeeded ? "bg-info-soft text-info ring-info/20" : "bg-warn-soft text-warn ring-warn/20"} testId="timeline-gateway-call">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <p className="font-medium">
          {callTitle[call.call]}
          {call.attempt > 1 ? <span className="ml-1.5 text-xs font-normal text-ink-muted">attempt {call.attempt}</span> : null}
        </p>
        <time dateTime={call.startedAt.toISOString()} className="text-xs text-ink-muted tabular-nums">
          {formatDateTime(call.startedAt, { seconds: true })}
        </time>
      </div>
      <p className="mt-0.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-ink-muted">
        {reported ? (
          <Badge tone={reported.tone} data-testid="reported-status">
            {reported.text}
          </Badge>
        ) : null}
        <Badge tone={succeeded ? "ok" : "warn"}>{call.httpStatus === null ? "No HTTP answer" : `HTTP ${call.httpStatus}`}</Badge>
        {call.responseCode ? <span className="font-mono text-ink">{call.responseCode}</span> : null}
        <span>{call.outcome.replaceAll("_", " ")}</span>
        <span>· {call.durationMs} ms</span>
        <span>· X-EXTERNAL-ID {call.externalId}</span>
      </p>
      {call.error ? <p className="mt-1 text-xs font-medium text-danger">{call.error}</p> : null}
      <details className="mt-1.5">
        <summary className="cursor-pointer text-xs font-medium text-brand select-none hover:underline">Request and response</summary>
        <div className="mt-2 grid grid-cols-2 gap-2">
          <JsonBody label={`Request · POST ${call.path}`} body={call.requestBody} />
          <JsonBody label="Response" body={call.responseBody} />
        </div>
      </details>
    </Item>
  );
}

/**
 * A status call is shown with the transfer status it reported ("03 Pending"), never just its HTTP
 * outcome (docs/lifecycle.md#paying-twice-is-impossible): read from the stored answer, as Cash In wrote it.
 */
function reportedStatus({ responseBody, responseCode }: GatewayCallRow): { text: string; tone: "ok" | "warn" | "danger" | "info" | "neutral" } | null {
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
  return { text: `${status.code} ${status.state === "unknown" ? "Unknown" : status.label}`, tone: tone[status.state] };
}

function JsonBody({ label, body }: { label: string; body: string | null }) {
  return (
    <figure className="min-w-0">
      <figcaption className="mb-1 truncate text-xs text-ink-muted">{label}</figcaption>
      <pre className="max-h-80 overflow-auto rounded-md border border-line bg-canvas p-2 font-mono text-xs leading-relaxed">{pretty(body)}</pre>
    </figure>
  );
}

/** Bodies are stored exactly as sent and received; indent them for reading, or show them as they are. */
function pretty(body: string | null): string {
  if (body === null || body === "") return "(empty)";
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

type AuditView = Extract<TimelineEvent, { kind: "audit" }>["entry"];

function AuditItem({ entry }: { entry: AuditView }) {
  const changes = auditChanges(entry.before, entry.after);
  return (
    <Item icon="person" tone="bg-brand-soft text-brand-strong ring-brand/20" testId="timeline-audit-entry">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <p>
          <span className="font-medium">{auditTitle(entry.action)}</span>{" "}
          <span className="text-ink-muted">by {entry.actorName ?? entry.actorEmail ?? "the system"}</span>
        </p>
        <time dateTime={entry.at.toISOString()} className="text-xs text-ink-muted tabular-nums">
          {formatDateTime(entry.at, { seconds: true })}
        </time>
      </div>
      {changes.length > 0 || entry.ip ? (
        <dl className="mt-0.5 grid grid-cols-[max-content_1fr] gap-x-3 text-xs">
          {changes.map(([name, value]) => (
            <div key={name} className="contents">
              <dt className="text-ink-muted">{name}</dt>
              <dd className="break-words">{value}</dd>
            </div>
          ))}
          {entry.ip ? (
            <div className="contents">
              <dt className="text-ink-muted">From</dt>
              <dd className="font-mono">{entry.ip}</dd>
            </div>
          ) : null}
        </dl>
      ) : null}
    </Item>
  );
}

/** `transfer.approved` → "Approved"; `transfer.create` → "Created"; anything else in words. */
/** Entries whose words are not their action's name. */
const auditTitles: Record<string, string> = { create: "Created", reference: "Cash In reference recorded", resolution_proposed: "Outcome recorded" };

function auditTitle(action: string): string {
  const verb = action.replace(/^transfer\./, "");
  if (verb in auditTitles) return auditTitles[verb]!;
  if (verb in statusInfo) return statusInfo[verb as keyof typeof statusInfo].label;
  const words = verb.replaceAll(/[._]/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** What an entry changed, as "Status: Sending → Succeeded" and one line per other field it set. */
function auditChanges(before: unknown, after: unknown): [string, string][] {
  const was = isRecord(before) ? before : {};
  const now = isRecord(after) ? after : {};
  const lines: [string, string][] = [];
  for (const [key, value] of Object.entries(now)) {
    const name = words(key);
    if (key === "status") {
      const from = typeof was.status === "string" ? `${statusLabel(was.status)} → ` : "";
      lines.push([name, `${from}${statusLabel(String(value))}`]);
    } else if (key === "amount" && typeof value === "number") {
      lines.push([name, formatRupiah(value)]);
    } else if (value !== null && value !== undefined) {
      lines.push([name, readable(value)]);
    }
  }
  return lines;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function statusLabel(status: string): string {
  return status in statusInfo ? statusInfo[status as keyof typeof statusInfo].label : status;
}

function words(key: string): string {
  // The provider's name is two words, as everywhere else in the app.
  if (key === "cashinReference") return "Cash In reference";
  const spaced = key.replace(/([a-z])([A-Z])/g, "$1 $2").replaceAll("_", " ").toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function readable(value: unknown): string {
  if (typeof value === "string") return isoDate.test(value) ? formatDateTime(new Date(value), { seconds: true }) : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}
