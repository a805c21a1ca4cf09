import { eq } from "drizzle-orm";
import type { Metadata } from "next";
import { NewTransferForm } from "@/components/transfers/new-transfer-form";
import { PageHeader } from "@/components/shell/app-shell";
import { db } from "@/db/client";
import { transfers } from "@/db/schema";
import { formatRupiah } from "@/lib/cashin/amount";
import { requireUser } from "@/lib/auth/session";
import { getLimits } from "@/lib/transfers/settings";

export const metadata: Metadata = { title: "New transfer · Cash In Payouts" };

export default async function NewTransferPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const params = await searchParams;
  const retryOfId = Number(params.retryOf);
  // "Retry as a new transfer": the failed one's wallet, number and amount, looked up and confirmed afresh.
  const retryOf = Number.isSafeInteger(retryOfId) && retryOfId > 0 ? db().select().from(transfers).where(eq(transfers.id, retryOfId)).get() : undefined;
  const limits = getLimits(db());
  return (
    <>
      <PageHeader
        title="New transfer"
        description={`Look up the wallet's owner, check the name, then send. From ${formatRupiah(limits.approvalThreshold)} a manager approves first.`}
      />
      <NewTransferForm
        key={retryOf?.id ?? "new"}
        retryOf={retryOf?.status === "failed" ? { id: retryOf.id, reference: retryOf.reference, wallet: retryOf.wallet, phone: retryOf.phone, amount: retryOf.amount } : undefined}
      />
    </>
  );
}
