import type { Metadata } from "next";
import Link from "next/link";
import { ApprovalQueue } from "@/components/transfers/approval-queue";
import { PageHeader } from "@/components/shell/app-shell";
import { Badge } from "@/components/ui/badge";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { db } from "@/db/client";
import { approvalQueue } from "@/lib/transfers/approval-queue";
import { batchesAwaitingApproval } from "@/lib/batches/queries";
import { requireUser } from "@/lib/auth/session";
import { formatDateTime, formatNumber, formatRupiah } from "@/lib/format";
import { nearDuplicatesOf } from "@/lib/transfers/approvals";
import { getLimits } from "@/lib/transfers/settings";
import { ApprovalHoldNotice } from "@/components/transfers/approval-hold-notice";
import { approvalHoldMessage, approvalHoldOf } from "@/lib/transfers/approval-hold";

export const metadata: Metadata = { title: "Approvals · Cash In Payouts" };
export const dynamic = "force-dynamic";

export default async function ApprovalsPage() {
  const manager = await requireUser(["manager"]);
  const limits = getLimits(db());
  const queue = approvalQueue(db(), manager.id, limits.approvalWindowHours).map((row) => ({
    ...row,
    requeueNote: row.queuedAt ? row.lastMessage : null,
    nearDuplicates: nearDuplicatesOf(db(), row, limits.nearDuplicateWindowHours),
  }));
  const batches = batchesAwaitingApproval(db());
  const now = new Date();
  const hold = approvalHoldOf(db(), manager.id, now);
  return (
    <>
      <PageHeader
        title="Approvals"
        description={`Transfers and batches at or above the approval threshold wait here, oldest first. Undecided ones expire after ${limits.approvalWindowHours} h. You cannot approve your own.`}
      />
      {hold ? <ApprovalHoldNotice message={approvalHoldMessage(hold, now)} /> : null}
      {batches.length > 0 ? (
        <section aria-labelledby="batches-heading" className="mb-6">
          <h2 id="batches-heading" className="mb-2 text-base font-semibold">
            Batch payouts
          </h2>
          <Table aria-label="Batches awaiting approval">
            <THead>
              <tr>
                <TH>Batch</TH>
                <TH className="text-right">Rows</TH>
                <TH className="text-right">Total</TH>
                <TH>Submitted</TH>
                <TH className="text-right">Decision</TH>
              </tr>
            </THead>
            <TBody>
              {batches.map((batch) => (
                <TR key={batch.id} data-testid={`approval-batch-${batch.reference}`}>
                  <TD>
                    <p className="font-mono text-xs">{batch.reference}</p>
                    <p className="text-xs text-ink-muted">{batch.fileName}</p>
                    {batch.flagged > 0 ? (
                      <Badge tone="warn" className="mt-1">
                        {batch.flagged === 1 ? "1 possible duplicate" : `${formatNumber(batch.flagged)} possible duplicates`}
                      </Badge>
                    ) : null}
                    {batch.recheckRequestedAt ? <p className="text-xs text-info">Looking wallets up again before it is sent</p> : null}
                  </TD>
                  <TD className="text-right tabular-nums">{formatNumber(batch.rows)}</TD>
                  <TD className="text-right font-semibold whitespace-nowrap tabular-nums">{formatRupiah(batch.total)}</TD>
                  <TD className="whitespace-nowrap">
                    {batch.makerName}
                    {batch.makerId === manager.id ? <span className="ml-1 text-xs text-ink-muted">(you)</span> : null}
                    <span className="block text-xs text-ink-muted">{batch.submittedAt ? formatDateTime(batch.submittedAt) : ""}</span>
                  </TD>
                  <TD className="text-right">
                    <Link href={`/batches/${batch.id}`} className="text-sm font-medium text-brand hover:underline">
                      {batch.makerId === manager.id ? "View" : "Review rows"}
                    </Link>
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </section>
      ) : null}
      {batches.length > 0 ? <h2 className="mb-2 text-base font-semibold">Single transfers</h2> : null}
      <ApprovalQueue queue={queue} />
    </>
  );
}
