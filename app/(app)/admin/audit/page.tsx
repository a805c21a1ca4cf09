import { Download } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { AuditTable } from "@/components/admin/audit-table";
import { VerifyChainButton } from "@/components/admin/verify-chain-button";
import { PageHeader } from "@/components/shell/app-shell";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { db } from "@/db/client";
import { auditActions, listAuditEntries } from "@/lib/audit/queries";
import { auditSearchParams, parseAuditFilters } from "@/lib/audit/filters";
import { requireUser } from "@/lib/auth/session";
import { listUsers } from "@/lib/users/service";

export const metadata: Metadata = { title: "Audit trail · Cash In Payouts" };

const nativeSelect = "h-9 w-full rounded-md border border-line-strong bg-surface px-2 text-sm";

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser(["admin"]);
  const filters = parseAuditFilters(await searchParams);
  const { rows, hasMore } = listAuditEntries(db(), filters);
  const people = listUsers(db());
  const actions = auditActions(db());
  const { before: _before, ...exportFilters } = filters;
  const olderHref = hasMore ? `/admin/audit?${auditSearchParams(filters, { before: rows[rows.length - 1]!.id })}` : undefined;

  return (
    <>
      <PageHeader
        title="Audit trail"
        description="Who did what, when and from where. Append-only: each entry holds the hash of the one before it."
        actions={
          <>
            <VerifyChainButton />
            <Button asChild variant="secondary">
              <a href={`/admin/audit/export?${auditSearchParams(exportFilters)}`} download>
                <Download aria-hidden />
                Export CSV
              </a>
            </Button>
          </>
        }
      />
      <form method="get" aria-label="Filter the audit trail" className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-line bg-surface p-3 [&>div]:w-40">
        <Field id="audit-actor" label="Actor">
          {(aria) => (
            <select {...aria} name="actor" defaultValue={filters.actor ?? ""} className={nativeSelect}>
              <option value="">Anyone</option>
              {people.map((person) => (
                <option key={person.id} value={person.id}>
                  {person.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="audit-action" label="Action">
          {(aria) => (
            <select {...aria} name="action" defaultValue={filters.action ?? ""} className={nativeSelect}>
              <option value="">Any action</option>
              {actions.map((action) => (
                <option key={action} value={action}>
                  {action}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="audit-target-type" label="Target">
          {(aria) => (
            <select {...aria} name="targetType" defaultValue={filters.targetType ?? ""} className={nativeSelect}>
              <option value="">Anything</option>
              {["transfer", "user", "settings", "action", "route", "audit"].map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="audit-target-id" label="Target id">
          {(aria) => <Input {...aria} name="targetId" defaultValue={filters.targetId ?? ""} placeholder="e.g. 42" />}
        </Field>
        <Field id="audit-from" label="From (WIB)">
          {(aria) => <Input {...aria} type="date" name="from" defaultValue={filters.from ?? ""} />}
        </Field>
        <Field id="audit-to" label="To (WIB)">
          {(aria) => <Input {...aria} type="date" name="to" defaultValue={filters.to ?? ""} />}
        </Field>
        <Button type="submit">Apply</Button>
      </form>
      <AuditTable rows={rows} />
      <div className="mt-3 flex items-center justify-between text-sm text-ink-muted">
        <span>{rows.length === 0 ? "No entries match these filters." : `Showing ${rows.length} entries, newest first`}</span>
        <span className="flex gap-3">
          {filters.before ? (
            <Link className="font-medium text-brand hover:underline" href={`/admin/audit?${auditSearchParams(filters, { before: undefined })}`}>
              Newest
            </Link>
          ) : null}
          {olderHref ? (
            <Link className="font-medium text-brand hover:underline" href={olderHref}>
              Older entries
            </Link>
          ) : null}
        </span>
      </div>
    </>
  );
}
