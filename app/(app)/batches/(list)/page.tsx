import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { BatchStatusBadge } from "@/components/batches/batch-status-badge";
import { UploadBatchForm } from "@/components/batches/upload-form";
import { getFormat } from "@/components/i18n/get-format";
import { PageHeader } from "@/components/shell/app-shell";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { db } from "@/db/client";
import { batchOverview, listBatches } from "@/lib/batches/queries";
import { requireUser } from "@/lib/auth/session";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("batches");
  return { title: t("title") };
}
export const dynamic = "force-dynamic";

export default async function BatchesPage() {
  await requireUser();
  const t = await getTranslations("batches");
  const format = await getFormat();
  const database = db();
  const recent = await Promise.all(
    (await listBatches(database)).map(async (batch) => {
      // A checked batch still holding rows to fix says so instead of "Ready to submit".
      const rows = batch.status === "ready" ? (await batchOverview(database, batch.id))?.rows : undefined;
      return { ...batch, blocking: rows ? rows.invalid + rows.unconfirmed : 0 };
    }),
  );
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <UploadBatchForm />
      <h2 className="mt-6 mb-2 text-base font-semibold">{t("recent")}</h2>
      {recent.length === 0 ? (
        <div className="rounded-lg border border-dashed border-line-strong bg-surface p-8 text-center text-sm text-ink-muted">{t("empty")}</div>
      ) : (
        <>
          <ul aria-label={t("recent")} className="flex flex-col gap-2 md:hidden">
            {recent.map((batch) => (
              <li key={batch.id} className="rounded-lg border border-line bg-surface px-4 py-3 text-sm">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <Link href={`/batches/${batch.id}`} prefetch={false} className="inline-block py-1 font-mono text-xs break-all text-brand hover:underline">
                    {batch.reference}
                  </Link>
                  <BatchStatusBadge status={batch.status} blocking={batch.blocking} rows={batch.rows} />
                </div>
                <p className="mt-1 break-all">{batch.fileName}</p>
                <p className="mt-1 flex flex-wrap justify-between gap-x-3 tabular-nums">
                  <span>{t("card.rows", { count: batch.rows })}</span>
                  <span className="font-medium">{format.rupiah(batch.total)}</span>
                </p>
                <p className="mt-1 text-xs text-ink-muted">{t("card.uploadedBy", { when: format.dateTime(batch.createdAt), name: batch.makerName })}</p>
              </li>
            ))}
          </ul>
          <div className="hidden md:block">
            <Table aria-label={t("recent")}>
              <THead>
                <tr>
                  <TH>{t("columns.batch")}</TH>
                  <TH>{t("columns.file")}</TH>
                  <TH className="text-right">{t("columns.rows")}</TH>
                  <TH className="text-right">{t("columns.total")}</TH>
                  <TH>{t("columns.uploaded")}</TH>
                  <TH>{t("columns.status")}</TH>
                </tr>
              </THead>
              <TBody>
                {recent.map((batch) => (
                  <TR key={batch.id} data-testid={`batch-${batch.reference}`}>
                    <TD>
                      <Link href={`/batches/${batch.id}`} prefetch={false} className="inline-block py-1 font-mono text-xs text-brand hover:underline">
                        {batch.reference}
                      </Link>
                    </TD>
                    <TD className="max-w-56 truncate" title={batch.fileName}>
                      {batch.fileName}
                    </TD>
                    <TD className="text-right tabular-nums">{format.number(batch.rows)}</TD>
                    <TD className="text-right whitespace-nowrap tabular-nums">{format.rupiah(batch.total)}</TD>
                    <TD className="whitespace-nowrap">
                      {format.dateTime(batch.createdAt)}
                      <span className="block text-xs text-ink-muted">{batch.makerName}</span>
                    </TD>
                    <TD>
                      <BatchStatusBadge status={batch.status} blocking={batch.blocking} rows={batch.rows} />
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          </div>
        </>
      )}
    </>
  );
}
