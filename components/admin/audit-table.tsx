import { useTranslations } from "next-intl";
import Link from "next/link";
import type { ReactNode } from "react";
import { useFormat } from "@/components/i18n/use-format";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { actorName } from "@/lib/actor";
import { auditChanges, type AuditChange } from "@/lib/audit/changes";
import { auditTargetKey, type AuditRow, type AuditTarget } from "@/lib/audit/queries";
import type { Format } from "@/lib/format";

/**
 * The audit trail, readable by an auditor (issue 15): each action in words (its raw name kept beside it in
 * small mono text, for exports and searching), the target by its reference or name with a link where it has
 * a page, and the change as `field: before → after`, one line per changed field. Cards on phones, the table
 * from md up.
 */

type Lookup = { (key: string): string; has(key: string): boolean };

/** "transfer.approved" → "Approved a transfer" (messages `auditActions`, dots written as "-"); an unknown name stays as it is. */
export function auditActionLabel(t: unknown, action: string): string {
  const lookup = t as Lookup;
  const key = action.replaceAll(".", "-");
  return lookup.has(key) ? lookup(key) : action;
}

export function AuditTable({ rows, targets }: { rows: AuditRow[]; targets: Record<string, AuditTarget> }) {
  const t = useTranslations("audit");
  const actionT = useTranslations("auditActions");
  const limitsT = useTranslations("limits");
  const format = useFormat();
  const view = (row: AuditRow) => ({
    actor: actorName(row, (values) => t("viaApiKey", values)) ?? <span className="text-ink-muted">{t("system")}</span>,
    action: <ActionName label={auditActionLabel(actionT, row.action)} raw={row.action} />,
    target: <Target row={row} target={targets[auditTargetKey(row.targetType, row.targetId)]} actionLabel={(name) => auditActionLabel(actionT, name)} limitLabel={(id) => (limitsT.has(`fields.${id}.label` as never) ? limitsT(`fields.${id}.label` as never) : id)} />,
    change: <Changes changes={auditChanges(row.before, row.after)} format={format} />,
    at: format.dateTime(row.at, { seconds: true }),
  });
  return (
    <>
      <ul className="flex flex-col gap-2 md:hidden" aria-label={t("tableLabel")}>
        {rows.map((row) => {
          const v = view(row);
          return (
            <li key={row.id} className="min-w-0 rounded-lg border border-line bg-surface p-3 text-sm">
              <div className="flex flex-wrap items-baseline justify-between gap-x-3">
                <span className="font-medium">{v.actor}</span>
                <span className="text-xs text-ink-muted">{v.at}</span>
              </div>
              <div className="mt-1">{v.action}</div>
              <dl className="mt-1 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-xs">
                <dt className="text-ink-muted">{t("target")}</dt>
                <dd className="min-w-0">{v.target}</dd>
                <dt className="text-ink-muted">{t("change")}</dt>
                <dd className="min-w-0">{v.change}</dd>
                <dt className="text-ink-muted">{t("from")}</dt>
                <dd className="font-mono break-all text-ink-muted">{row.ip ?? "—"}</dd>
              </dl>
            </li>
          );
        })}
      </ul>
      <div className="hidden md:block">
        <Table aria-label={t("tableLabel")}>
          <THead>
            <tr>
              <TH>{t("time")}</TH>
              <TH>{t("actor")}</TH>
              <TH>{t("action")}</TH>
              <TH>{t("target")}</TH>
              <TH>{t("change")}</TH>
              <TH>{t("from")}</TH>
            </tr>
          </THead>
          <TBody>
            {rows.map((row) => {
              const v = view(row);
              return (
                <TR key={row.id}>
                  <TD className="w-32 min-w-32 py-1.5 align-top text-ink-muted">{v.at}</TD>
                  <TD className="min-w-28 py-1.5 align-top">{v.actor}</TD>
                  <TD className="min-w-44 py-1.5 align-top">{v.action}</TD>
                  <TD className="max-w-60 min-w-40 py-1.5 align-top">{v.target}</TD>
                  <TD className="max-w-80 min-w-48 py-1.5 align-top text-xs">{v.change}</TD>
                  <TD className="font-mono text-xs whitespace-nowrap align-top text-ink-muted">{row.ip}</TD>
                </TR>
              );
            })}
          </TBody>
        </Table>
      </div>
    </>
  );
}

function ActionName({ label, raw }: { label: string; raw: string }) {
  return (
    <span className="block">
      <span className="block">{label}</span>
      {label !== raw ? <span className="block font-mono text-xs break-all text-ink-muted">{raw}</span> : null}
    </span>
  );
}

const linkClass = "text-brand hover:underline";

function Target({
  row,
  target,
  actionLabel,
  limitLabel,
}: {
  row: AuditRow;
  target: AuditTarget | undefined;
  actionLabel: (name: string) => string;
  limitLabel: (id: string) => string;
}) {
  const t = useTranslations("audit");
  const id = row.targetId;
  if (target?.type === "transfer") {
    return (
      <Link href={`/transfers/${target.id}`} className={`font-mono text-xs break-all ${linkClass}`}>
        {target.reference}
      </Link>
    );
  }
  if (target?.type === "batch") {
    return (
      <span className="block min-w-0">
        <Link href={`/batches/${target.id}`} className={`font-mono text-xs break-all ${linkClass}`}>
          {target.reference}
        </Link>
        <span className="block text-xs break-all text-ink-muted">{target.fileName}</span>
      </span>
    );
  }
  if (target?.type === "user") {
    return (
      <span className="block min-w-0">
        <span className="block break-words">{target.name}</span>
        <span className="block text-xs break-all text-ink-muted">{target.email}</span>
      </span>
    );
  }
  let shown: ReactNode;
  switch (row.targetType) {
    case "email":
      shown = <span className="break-all">{id}</span>;
      break;
    case "action":
      shown = id ? <ActionName label={actionLabel(id)} raw={id} /> : null;
      break;
    case "route":
      shown = <span className="font-mono text-xs break-all">{id}</span>;
      break;
    case "audit":
      shown = t("targetAudit");
      break;
    case "limit":
      shown = id ? (
        <Link href="/admin/limits" className={linkClass}>
          {limitLabel(id)}
        </Link>
      ) : null;
      break;
    case "settings":
      shown =
        id === "limits" ? (
          <Link href="/admin/limits" className={linkClass}>
            {t("targetLimits")}
          </Link>
        ) : id === "second_factor_required_for_all" ? (
          <Link href="/admin/users" className={linkClass}>
            {t("targetSecondFactorRule")}
          </Link>
        ) : null;
      break;
    default:
      shown = null;
  }
  // A transfer, batch or user that no longer exists, or a kind of target this screen does not know.
  return shown ?? <span className="break-all">{t("targetFallback", { type: row.targetType, id: id ?? "" })}</span>;
}

/** An ISO instant (as Dates are written into before/after) becomes a time in the reader's language. */
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const longest = 200;

function valueText(value: unknown, format: Format): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return isoInstant.test(value) ? format.dateTime(new Date(value), { seconds: true }) : value;
  if (typeof value === "number") return Number.isInteger(value) && Math.abs(value) < 1e15 ? format.number(value) : String(value);
  if (typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function Value({ value, format }: { value: unknown; format: Format }) {
  const text = valueText(value, format);
  const short = text.length > longest ? `${text.slice(0, longest - 1)}…` : text;
  return (
    <span className="break-words" title={short === text ? undefined : text}>
      {short}
    </span>
  );
}

function Changes({ changes, format }: { changes: AuditChange[]; format: Format }) {
  if (changes.length === 0) return <span className="text-ink-muted">—</span>;
  return (
    <ul className="flex min-w-0 flex-col gap-0.5">
      {changes.map((change, index) => {
        const hasBefore = "before" in change;
        const hasAfter = "after" in change;
        return (
          <li key={change.field ?? index} className="min-w-0 [overflow-wrap:anywhere]">
            {change.field ? <span className="font-mono text-ink-muted">{change.field}:</span> : null}{" "}
            {hasBefore ? <Value value={change.before} format={format} /> : null}
            {hasBefore ? <Arrow /> : null}
            {hasAfter ? <Value value={change.after} format={format} /> : <Value value={null} format={format} />}
          </li>
        );
      })}
    </ul>
  );
}

function Arrow() {
  return (
    <span className="text-ink-muted">
      {" "}
      →{" "}
    </span>
  );
}
