import type { Metadata } from "next";
import { ApprovalQueue } from "@/components/transfers/approval-queue";
import { PageHeader } from "@/components/shell/app-shell";
import { db } from "@/db/client";
import { approvalQueue } from "@/db/queries/approvals";
import { requireUser } from "@/lib/auth/session";
import { getLimits } from "@/lib/transfers/settings";

export const metadata: Metadata = { title: "Approvals · Cash In Payouts" };
export const dynamic = "force-dynamic";

export default async function ApprovalsPage() {
  const manager = await requireUser(["manager"]);
  const limits = getLimits(db());
  const queue = approvalQueue(db(), manager.id, limits.approvalWindowHours);
  return (
    <>
      <PageHeader
        title="Approvals"
        description={`Transfers at or above the approval threshold wait here, oldest first. Undecided ones expire after ${limits.approvalWindowHours} h. You cannot approve your own.`}
      />
      <ApprovalQueue queue={queue} />
    </>
  );
}
