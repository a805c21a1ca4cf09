import { Download } from "lucide-react";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { AuditTable, auditActionLabel } from "@/components/admin/audit-table";
import { VerifyChainButton } from "@/components/admin/verify-chain-button";
import { PageHeader } from "@/components/shell/app-shell";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { db } from "@/db/client";
import { auditActions, auditTargetsOf, listAuditEntries } from "@/lib/audit/queries";
import { auditSearchParams, parseAuditFilters } from "@/lib/audit/filters";
import { dayText } from "@/lib/jakarta";
import { requireUser } from "@/lib/auth/session";
import { listUsers } from "@/lib/users/service";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("audit");
  return { title: t("title") };
}

const nativeSelect = "h-9 w-full rounded-md border border-line-strong bg-surface px-2 text-sm";

/** The kinds of target an entry can have (the filter's choices), each named in `audit.targetTypes`. */
const targetTypes = ["transfer", "batch", "user", "email", "settings", "limit", "action", "route", "audit"] as const;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser(["admin"]);
  const filters = parseAuditFilters(await searchParams);
  const { rows, hasMore } = await listAuditEntries(db(), filters);
  const targets = await auditTargetsOf(db(), rows);
  const people = await listUsers(db());
  const t = await getTranslations("audit");
  const actionT = await getTranslations("auditActions");
  const actions = (await auditActions(db()))
    .map((action) => ({ action, label: auditActionLabel(actionT, action) }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const { before: _before, ...exportFilters } = filters;
  const olderHref = hasMore ? `/admin/audit?${auditSearchParams(filters, { before: rows[rows.length - 1]!.id })}` : undefined;

  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <>
            <VerifyChainButton />
            <Button asChild variant="secondary">
              <a href={`/admin/audit/export?${auditSearchParams(exportFilters)}`} download>
                <Download aria-hidden />
                {t("exportCsv")}
              </a>
            </Button>
          </>
        }
      />
      <form
        method="get"
        aria-label={t("filterLabel")}
        className="mb-4 grid grid-cols-2 items-end gap-3 rounded-lg border border-line bg-surface p-3 sm:flex sm:flex-wrap sm:[&>div]:w-44"
      >
        <Field id="audit-actor" label={t("actor")}>
          {(aria) => (
            <select {...aria} name="actor" defaultValue={filters.actor ?? ""} className={nativeSelect}>
              <option value="">{t("anyone")}</option>
              {people.map((person) => (
                <option key={person.id} value={person.id}>
                  {person.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="audit-action" label={t("action")}>
          {(aria) => (
            <select {...aria} name="action" defaultValue={filters.action ?? ""} className={nativeSelect}>
              <option value="">{t("anyAction")}</option>
              {actions.map(({ action, label }) => (
                <option key={action} value={action}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="audit-target-type" label={t("target")}>
          {(aria) => (
            <select {...aria} name="targetType" defaultValue={filters.targetType ?? ""} className={nativeSelect}>
              <option value="">{t("anything")}</option>
              {targetTypes.map((type) => (
                <option key={type} value={type}>
                  {t(`targetTypes.${type}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="audit-target-id" label={t("targetId")}>
          {(aria) => <Input {...aria} name="targetId" defaultValue={filters.targetId ?? ""} placeholder={t("targetIdPlaceholder")} />}
        </Field>
        <Field id="audit-from" label={t("fromDate")}>
          {(aria) => <Input {...aria} name="from" defaultValue={filters.from ? dayText(filters.from) : ""} placeholder={t("datePlaceholder")} />}
        </Field>
        <Field id="audit-to" label={t("toDate")}>
          {(aria) => <Input {...aria} name="to" defaultValue={filters.to ? dayText(filters.to) : ""} placeholder={t("datePlaceholder")} />}
        </Field>
        <Button type="submit" className="col-span-2 sm:col-span-1">
          {t("apply")}
        </Button>
      </form>
      <AuditTable rows={rows} targets={targets} />
      <div className="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm text-ink-muted">
        <span>{rows.length === 0 ? t("none") : t("showing", { count: rows.length })}</span>
        <span className="flex gap-3">
          {filters.before ? (
            <Link className="inline-flex min-h-6 items-center font-medium text-brand hover:underline" href={`/admin/audit?${auditSearchParams(filters, { before: undefined })}`}>
              {t("newest")}
            </Link>
          ) : null}
          {olderHref ? (
            <Link className="inline-flex min-h-6 items-center font-medium text-brand hover:underline" href={olderHref}>
              {t("older")}
            </Link>
          ) : null}
        </span>
      </div>
    </>
  );
}
