import type { Metadata } from "next";
import { LimitsForm } from "@/components/admin/limits-form";
import { PageHeader } from "@/components/shell/app-shell";
import { db } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { getLimits } from "@/lib/transfers/settings";

export const metadata: Metadata = { title: "Limits · Cash In Payouts" };

export default async function LimitsPage() {
  await requireUser(["admin"]);
  return (
    <>
      <PageHeader title="Limits" description="Apply at once to every later check: new transfers, approvals, look-ups and batch uploads. Each change is written to the audit trail." />
      <LimitsForm limits={getLimits(db())} gatewayTimeoutMs={env().CASHIN_TIMEOUT_MS} />
    </>
  );
}
