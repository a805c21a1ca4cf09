import type { Metadata } from "next";
import Link from "next/link";
import { BatchStatusBadge } from "@/components/batches/batch-status-badge";
import { UploadBatchForm } from "@/components/batches/upload-form";
import { PageHeader } from "@/components/shell/app-shell";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { db } from "@/db/client";
import { listBatches } from "@/lib/batches/queries";
import { requireUser } from "@/lib/auth/session";
import { formatDateTime, formatNumber, formatRupiah } from "@/lib/format";

export const metadata: Metadata = { title: "Batch payouts · Cash In Payouts" };
export const dynamic = "force-dynamic";

export default async function BatchesPage() {
  await requireUser();
  const recent = listBatches(db());
  return (
    <>
      <PageHeader
        title="Batch payouts"
        description="Pay many people at once from a CSV file: every wallet is looked up, you fix what needs fixing, a manager approves, and the rows are sent."
      />
      <UploadBatchForm />
      <h2 className="mt-6 mb-2 text-base font-semibold">Recent batches</h2>
      {recent.length === 0 ? (
        <div className="rounded-lg border border-dashed border-line-strong bg-surface p-8 text-center text-sm text-ink-muted">No batch yet. Upload a CSV file to start one.</div>
      ) : (
        <Table aria-label="Recent batches">
          <THead>
            <tr>
              <TH>Batch</TH>
              <TH>File</TH>
              <TH className="text-right">Rows</TH>
              <TH className="text-right">Total</TH>
              <TH>Uploaded</TH>
              <TH>Status</TH>
            </tr>
          </THead>
          <TBody>
            {recent.map((batch) => (
              <TR key={batch.id} data-testid={`batch-${batch.reference}`}>
                <TD>
                  <Link href={`/batches/${batch.id}`} className="font-mono text-xs text-brand hover:underline">
                    {batch.reference}
                  </Link>
                </TD>
                <TD className="max-w-56 truncate" title={batch.fileName}>
                  {batch.fileName}
                </TD>
                <TD className="text-right tabular-nums">{formatNumber(batch.rows)}</TD>
                <TD className="text-right whitespace-nowrap tabular-nums">{formatRupiah(batch.total)}</TD>
                <TD className="whitespace-nowrap">
                  {formatDateTime(batch.createdAt)}
                  <span className="block text-xs text-ink-muted">{batch.makerName}</span>
                </TD>
                <TD>
                  <BatchStatusBadge status={batch.status} />
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </>
  );
}
