import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { TiersForm } from "@/components/admin/tiers-form";
import { PageHeader } from "@/components/shell/app-shell";
import { db } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { activeManagers, approvalTiers } from "@/lib/policies/tiers";
import { saveTiersAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("tiers");
  return { title: t("title") };
}

export default async function TiersPage() {
  await requireUser(["admin"]);
  const t = await getTranslations("tiers");
  const tiers = await approvalTiers(db());
  const managers = await activeManagers(db());
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <p className="mb-4 max-w-3xl text-sm text-ink-muted">
        {t.rich("thresholdNote", { limits: (chunks) => <Link href="/admin/limits" className="font-medium text-brand hover:underline">{chunks}</Link> })}
      </p>
      <TiersForm tiers={tiers} managers={managers} save={saveTiersAction} />
    </>
  );
}
