import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import Link from "next/link";
import { getFormat } from "@/components/i18n/get-format";
import { ApprovalQueue } from "@/components/transfers/approval-queue";
import { PageHeader } from "@/components/shell/app-shell";
import { Badge } from "@/components/ui/badge";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { db } from "@/db/client";
import { approvalQueue } from "@/lib/transfers/approval-queue";
import { batchesAwaitingApproval } from "@/lib/batches/queries";
import { requireUser } from "@/lib/auth/session";
import { cn } from "@/lib/cn";
import { nearDuplicatesOf } from "@/lib/transfers/approvals";
import { getLimits } from "@/lib/transfers/settings";
import { ApprovalHoldNotice } from "@/components/transfers/approval-hold-notice";
import { approvalHoldOf } from "@/lib/transfers/approval-hold";
import { storedText } from "@/lib/i18n/stored";
import { RefreshWhenQueueChanges } from "@/components/notifications/badges";
import { badgesFor } from "@/lib/notifications/badges";
import { progressOf, type ApprovalProgress } from "@/lib/policies/tiers";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("approvals");
  return { title: t("title") };
}
export const dynamic = "force-dynamic";

/** Below `md` the batches' rows stack as cards, like the transfers' queue. */
const stack = "max-md:block max-md:h-auto max-md:px-0 max-md:py-0 max-md:text-left";

function mineOr(progress: ApprovalProgress, managerId: number) {
  return { ...progress, mine: progress.approvers.some((a) => a.id === managerId) };
}

export default async function ApprovalsPage() {
  const manager = await requireUser(["manager"]);
  const t = await getTranslations("approvals");
  const format = await getFormat();
  const locale = await getLocale();
  const limits = await getLimits(db());
  const queue = await Promise.all(
    (await approvalQueue(db(), manager.id, limits.approvalWindowHours)).map(async (row) => ({
      ...row,
      requeueNote: row.queuedAt && row.lastMessage ? storedText(row.lastMessage, locale) : null,
      nearDuplicates: await nearDuplicatesOf(db(), row, limits.nearDuplicateWindowHours),
      // Its tier's approvals so far (docs/policies.md#approval-tiers): "1 of 2", by whom, and whether one is mine.
      approvals: mineOr(await progressOf(db(), { type: "transfer", id: row.id, round: (row.queuedAt ?? row.createdAt).getTime() }, row.approvalRule), manager.id),
    })),
  );
  const batches = await batchesAwaitingApproval(db());
  const now = new Date();
  const hold = await approvalHoldOf(db(), manager.id, now);
  const badges = await badgesFor(db(), manager);
  return (
    <>
      <PageHeader title={t("title")} description={t("description", { hours: limits.approvalWindowHours })} />
      <RefreshWhenQueueChanges version={badges.approvals?.version ?? ""} />
      {hold ? <ApprovalHoldNotice hold={hold} now={now} /> : null}
      {batches.length > 0 ? (
        <section aria-labelledby="batches-heading" className="mb-6">
          <h2 id="batches-heading" className="mb-2 text-base font-semibold">
            {t("batches.heading")}
          </h2>
          <Table aria-label={t("batches.label")} className="max-md:block">
            <THead className="max-md:sr-only">
              <tr>
                <TH>{t("batches.batch")}</TH>
                <TH className="text-right">{t("batches.rows")}</TH>
                <TH className="text-right">{t("batches.total")}</TH>
                <TH>{t("batches.submitted")}</TH>
                <TH className="text-right">{t("batches.decision")}</TH>
              </tr>
            </THead>
            <TBody className="max-md:block">
              {batches.map((batch) => (
                <TR key={batch.id} data-testid={`approval-batch-${batch.reference}`} className="max-md:flex max-md:flex-col max-md:gap-1.5 max-md:p-3">
                  <TD className={stack}>
                    <p className="font-mono text-xs break-all">{batch.reference}</p>
                    <p className="text-xs break-all text-ink-muted">{batch.fileName}</p>
                    {batch.flagged > 0 ? (
                      <Badge tone="warn" className="mt-1">
                        {t("batches.flagged", { count: batch.flagged })}
                      </Badge>
                    ) : null}
                    {batch.recheckRequestedAt ? <p className="text-xs text-info">{t("batches.rechecking")}</p> : null}
                  </TD>
                  <TD className={cn("text-right tabular-nums", stack)}>
                    <span aria-hidden className="mr-2 text-xs text-ink-muted md:hidden">
                      {t("batches.rows")}
                    </span>
                    {format.number(batch.rows)}
                  </TD>
                  <TD className={cn("text-right font-semibold whitespace-nowrap tabular-nums", stack)}>
                    <span aria-hidden className="mr-2 text-xs font-normal text-ink-muted md:hidden">
                      {t("batches.total")}
                    </span>
                    {format.rupiah(batch.total)}
                  </TD>
                  <TD className={cn("whitespace-nowrap max-md:whitespace-normal", stack)}>
                    {batch.makerName}
                    {batch.makerId === manager.id ? <span className="ml-1 text-xs text-ink-muted">{t("queue.you")}</span> : null}
                    <span className="block text-xs text-ink-muted">{batch.submittedAt ? format.dateTime(batch.submittedAt) : ""}</span>
                  </TD>
                  <TD className={cn("text-right", stack)}>
                    <Link href={`/batches/${batch.id}`} prefetch={false} className="inline-flex min-h-6 items-center text-sm font-medium text-brand hover:underline">
                      {batch.makerId === manager.id ? t("batches.view") : t("batches.review")}
                    </Link>
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </section>
      ) : null}
      {batches.length > 0 ? <h2 className="mb-2 text-base font-semibold">{t("single")}</h2> : null}
      <ApprovalQueue queue={queue} />
    </>
  );
}
