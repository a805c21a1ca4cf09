import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { LimitsForm } from "@/components/admin/limits-form";
import { PageHeader } from "@/components/shell/app-shell";
import { db } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { getLimits } from "@/lib/transfers/settings";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("limits");
  return { title: t("title") };
}

export default async function LimitsPage() {
  await requireUser(["admin"]);
  const t = await getTranslations("limits");
  const limits = await getLimits(db());
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <LimitsForm limits={limits} gatewayTimeoutMs={env().CASHIN_TIMEOUT_MS} />
    </>
  );
}
