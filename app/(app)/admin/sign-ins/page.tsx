import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
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

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("signIns");
  return { title: t("metaTitle") };
}

export default async function SignInsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser(admins);
  const filters = parseSignInFilters(await searchParams);
  const groups = await listFailedSignIns(db(), filters, new Date());
  const t = await getTranslations("signIns");
  const most = groups.length === failedSignInsShown.groups;

  return (
    <>
      <PageHeader title={t("title")} description={t("description", { days: failedSignInsShown.days })} />
      <form method="get" aria-label={t("filterLabel")} className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-line bg-surface p-3">
        <Field id="sign-ins-email" label={t("email")} className="w-full sm:w-72">
          {(aria) => <Input {...aria} name="email" defaultValue={filters.email ?? ""} placeholder={t("emailPlaceholder")} />}
        </Field>
        <Button type="submit">{t("apply")}</Button>
        {filters.email ? (
          <Link className="inline-flex min-h-9 items-center text-sm font-medium text-brand hover:underline" href="/admin/sign-ins">
            {t("showAll")}
          </Link>
        ) : null}
      </form>
      <FailedSignInsTable groups={groups} />
      <p className="mt-3 text-sm text-ink-muted">
        {groups.length === 0 ? t("none") : most ? t("showingMost", { count: groups.length }) : t("showing", { count: groups.length })}
      </p>
    </>
  );
}
