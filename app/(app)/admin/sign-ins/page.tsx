import type { Metadata } from "next";
import Link from "next/link";
import { FailedSignInsTable } from "@/components/admin/failed-sign-ins-table";
import { PageHeader } from "@/components/shell/app-shell";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { db } from "@/db/client";
import { admins } from "@/lib/auth/action";
import { requireUser } from "@/lib/auth/session";
import { failedSignInsShown, listFailedSignIns, parseSignInFilters } from "@/lib/auth/sign-in-attempts";

export const metadata: Metadata = { title: "Sign-ins · Cash In Payouts" };

export default async function SignInsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser(admins);
  const filters = parseSignInFilters(await searchParams);
  const groups = listFailedSignIns(db(), filters, new Date());

  return (
    <>
      <PageHeader
        title="Failed sign-ins"
        description={`Wrong passwords and attempts refused while an address or account had to wait, per e-mail, address and minute, over the last ${failedSignInsShown.days} days. The audit trail holds the first of each minute.`}
      />
      <form method="get" aria-label="Filter failed sign-ins" className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-line bg-surface p-3">
        <Field id="sign-ins-email" label="E-mail" className="w-72">
          {(aria) => <Input {...aria} name="email" defaultValue={filters.email ?? ""} placeholder="all or part of an address" />}
        </Field>
        <Button type="submit">Apply</Button>
        {filters.email ? (
          <Link className="pb-2 text-sm font-medium text-brand hover:underline" href="/admin/sign-ins">
            Show every e-mail
          </Link>
        ) : null}
      </form>
      <FailedSignInsTable groups={groups} />
      <p className="mt-3 text-sm text-ink-muted">
        {groups.length === 0
          ? "No failed sign-ins match."
          : `Showing ${groups.length} ${groups.length === 1 ? "group" : "groups"}, newest first${groups.length === failedSignInsShown.groups ? " (the most shown at once: filter by e-mail to see older ones)" : ""}.`}
      </p>
    </>
  );
}
