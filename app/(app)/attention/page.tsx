import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import Link from "next/link";
import { AccountChanges } from "@/components/attention/account-changes";
import { DecideOutcome, MarkReviewed, RecordOutcome } from "@/components/attention/attention-actions";
import { LookUpLimitsReached } from "@/components/attention/look-up-limits";
import { Item, Section } from "@/components/attention/section";
import { getFormat } from "@/components/i18n/get-format";
import { useFormat } from "@/components/i18n/use-format";
import { PageHeader } from "@/components/shell/app-shell";
import { StatusBadge } from "@/components/transfers/status-badge";
import { db } from "@/db/client";
import { approvalQueue } from "@/lib/transfers/approval-queue";
import { accountChanges, lookUpLimitsReached, openDiscrepancies, pausedBatches, unresolvedTransfers, type UnresolvedTransfer } from "@/lib/transfers/attention";
import { batchesAwaitingApproval } from "@/lib/batches/queries";
import type { User } from "@/db/schema";
import { requireUser } from "@/lib/auth/session";
import { formatPhone } from "@/lib/phone-display";
import { nearDuplicatesOf } from "@/lib/transfers/approvals";
import { getLimits } from "@/lib/transfers/settings";
import { walletLabel } from "@/lib/transfers/wallets";
import { useLocale, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { storedText } from "@/lib/i18n/stored";
import { PauseAttention } from "@/components/sending/pause-attention";
import { openPause } from "@/lib/sending/pause";
import { resumeSendingAction } from "../admin/sending/actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("attention");
  return { title: t("title") };
}
export const dynamic = "force-dynamic";

/**
 * Needs attention (docs/lifecycle.md#paying-twice-is-impossible): transfers Cash In has not settled after 3 days, later answers that
 * contradict a settled status, possible duplicates waiting for an approver, and batches whose sending
 * stopped for long. Admins record outcomes and review discrepancies; managers confirm and approve. Both
 * see the accounts an admin changed (docs/roles.md#two-people-not-two-accounts); admins also see who
 * reached a look-up limit (docs/limits.md#look-ups-per-person-per-hour).
 */
export default async function AttentionPage() {
  const user = await requireUser(["manager", "admin"]);
  const t = await getTranslations("attention");
  const format = await getFormat();
  const locale = await getLocale();
  const database = db();
  const limits = await getLimits(database);
  const unresolved = await unresolvedTransfers(database);
  const discrepancies = await openDiscrepancies(database);
  const queue = await approvalQueue(database, user.id, limits.approvalWindowHours);
  const queueWithDuplicates = await Promise.all(queue.map(async (row) => ({ ...row, nearDuplicates: await nearDuplicatesOf(database, row, limits.nearDuplicateWindowHours) })));
  const duplicates = queueWithDuplicates.filter((row) => row.nearDuplicates.length > 0);
  const flaggedBatches = (await batchesAwaitingApproval(database)).filter((batch) => batch.flagged > 0);
  const paused = await pausedBatches(database);
  const now = new Date();
  const accounts = await accountChanges(database, now);
  const limitsReached = user.role === "admin" ? await lookUpLimitsReached(database, now) : [];
  const pause = await openPause(database);
  const nothing = !pause && unresolved.length + discrepancies.length + duplicates.length + flaggedBatches.length + paused.length + accounts.length + limitsReached.length === 0;

  return (
    <>
      <PageHeader title={t("title")} description={user.role === "admin" ? t("descriptionAdmin") : t("description")} />
      {nothing ? (
        <div className="rounded-lg border border-dashed border-line-strong bg-surface p-8 text-center text-sm text-ink-muted" data-testid="attention-empty">
          {t("nothing")}
        </div>
      ) : null}

      {pause ? <PauseAttention pause={pause} canResume={user.role === "admin"} resume={resumeSendingAction} /> : null}

      {unresolved.length > 0 ? (
        <Section id="unresolved" title={t("unresolvedTitle")} count={unresolved.length} hint={t("unresolvedHint")}>
          {unresolved.map((transfer) => (
            <UnresolvedItem key={transfer.id} transfer={transfer} user={user} />
          ))}
        </Section>
      ) : null}

      {discrepancies.length > 0 ? (
        <Section id="discrepancies" title={t("discrepanciesTitle")} count={discrepancies.length} hint={t("discrepanciesHint")}>
          {discrepancies.map((transfer) => (
            <Item key={transfer.id} testId={`discrepancy-${transfer.reference}`}>
              <TransferLine transfer={transfer} />
              <p className="mt-1 text-sm break-words text-danger">{transfer.discrepancy ? storedText(transfer.discrepancy, locale) : null}</p>
              <p className="text-xs text-ink-muted">{transfer.discrepancyAt ? t("seen", { at: format.dateTime(transfer.discrepancyAt, { seconds: true }) }) : null}</p>
              {user.role === "admin" ? (
                <div className="mt-2">
                  <MarkReviewed transferId={transfer.id} reference={transfer.reference} />
                </div>
              ) : null}
            </Item>
          ))}
        </Section>
      ) : null}

      {duplicates.length + flaggedBatches.length > 0 ? (
        <Section id="duplicates" title={t("duplicatesTitle")} count={duplicates.length + flaggedBatches.length} hint={t("duplicatesHint")}>
          {duplicates.map((row) => (
            <Item key={row.id} testId={`duplicate-${row.reference}`}>
              <p className="text-sm break-words">
                <Link href={`/transfers/${row.id}`} className="font-mono text-xs break-all text-brand hover:underline">
                  {row.reference}
                </Link>{" "}
                {t("duplicateLine", {
                  amount: format.rupiah(row.amount),
                  owner: row.ownerName,
                  wallet: walletLabel[row.wallet],
                  phone: formatPhone(row.phone),
                  maker: row.makerName,
                })}
              </p>
              <p className="text-xs break-words text-ink-muted">
                {t("samePaymentAs", { references: row.nearDuplicates.map((d) => d.reference).join(", ") })}
                {user.role === "manager" ? (
                  <>
                    {" · "}
                    <Link href={`/approvals#transfer-${row.id}`} className="text-brand hover:underline">
                      {t("reviewOnApprovals")}
                    </Link>
                  </>
                ) : null}
              </p>
            </Item>
          ))}
          {flaggedBatches.map((batch) => (
            <Item key={`batch-${batch.id}`} testId={`duplicate-batch-${batch.reference}`}>
              <p className="text-sm break-words">
                {t("batch")}{" "}
                <Link href={`/batches/${batch.id}`} className="font-mono text-xs break-all text-brand hover:underline">
                  {batch.reference}
                </Link>{" "}
                {t("flaggedBatchLine", { maker: batch.makerName, flagged: format.number(batch.flagged), rows: format.number(batch.rows) })}
              </p>
            </Item>
          ))}
        </Section>
      ) : null}

      {paused.length > 0 ? (
        <Section id="paused" title={t("pausedTitle")} count={paused.length} hint={t("pausedHint")}>
          {paused.map((batch) => (
            <Item key={batch.id} testId={`paused-${batch.reference}`}>
              <p className="text-sm break-words">
                <Link href={`/batches/${batch.id}`} className="font-mono text-xs break-all text-brand hover:underline">
                  {batch.reference}
                </Link>{" "}
                {batch.fileName} · {batch.pausedAt ? t("pausedAt", { at: format.dateTime(batch.pausedAt) }) : null}
              </p>
            </Item>
          ))}
        </Section>
      ) : null}

      <AccountChanges accounts={accounts} now={now} />
      <LookUpLimitsReached reached={limitsReached} />
    </>
  );
}

function UnresolvedItem({ transfer, user }: { transfer: UnresolvedTransfer; user: User }) {
  const t = useTranslations("attention");
  const locale = useLocale();
  const format = useFormat();
  const proposed = transfer.resolutionOutcome;
  const mono = (chunks: ReactNode) => <span className="font-mono text-xs break-all">{chunks}</span>;
  const sent = transfer.sentAt ? format.dateTime(transfer.sentAt, { seconds: true }) : "—";
  return (
    <Item testId={`unresolved-${transfer.reference}`}>
      <TransferLine transfer={transfer} />
      <p className="mt-1 text-sm break-words">
        {transfer.cashinReference
          ? t.rich("askCashInWithReference", { reference: transfer.reference, cashinReference: transfer.cashinReference, sent, mono })
          : t.rich("askCashIn", { reference: transfer.reference, sent, mono })}
      </p>
      {transfer.lastMessage ? (
        <p className="text-xs break-words text-ink-muted">
          {t("lastAnswer", { answer: `${transfer.lastCode ? `${transfer.lastCode} ` : ""}${storedText(transfer.lastMessage, locale)}` })}
        </p>
      ) : null}
      {proposed ? (
        <div className="mt-2 rounded-md bg-info-soft px-3 py-2 text-sm" data-testid="proposed-outcome">
          <p className="break-words">
            {t.rich(transfer.resolutionAt ? "recordedAsOn" : "recordedAs", {
              who: transfer.resolutionByName ?? t("anAdmin"),
              outcome: t(`outcome.${proposed}`),
              at: transfer.resolutionAt ? format.dateTime(transfer.resolutionAt) : "",
              reason: transfer.resolutionReason ?? "",
              strong: (chunks) => <strong>{chunks}</strong>,
            })}
          </p>
          {user.role === "manager" && user.id !== transfer.resolutionBy ? (
            <div className="mt-2">
              <DecideOutcome transferId={transfer.id} reference={transfer.reference} outcome={proposed} />
            </div>
          ) : (
            <p className="text-xs text-ink-muted">{t("anotherManagerConfirms", { who: transfer.resolutionByName ?? t("theAdmin") })}</p>
          )}
        </div>
      ) : user.role === "admin" ? (
        <div className="mt-2">
          <RecordOutcome transferId={transfer.id} reference={transfer.reference} />
        </div>
      ) : (
        <p className="mt-1 text-xs text-ink-muted">{t("adminRecordsFirst")}</p>
      )}
    </Item>
  );
}

type TransferSummary = { id: number; reference: string; amount: number; ownerName: string; wallet: UnresolvedTransfer["wallet"]; phone: string; status: UnresolvedTransfer["status"]; makerName: string };

function TransferLine({ transfer }: { transfer: TransferSummary }) {
  const t = useTranslations("attention");
  const format = useFormat();
  return (
    <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
      <StatusBadge status={transfer.status} />
      <Link href={`/transfers/${transfer.id}`} className="font-mono text-xs break-all text-brand hover:underline">
        {transfer.reference}
      </Link>
      <span className="font-semibold tabular-nums">{format.rupiah(transfer.amount)}</span>
      <span className="break-words">{t("toOwner", { owner: transfer.ownerName, wallet: walletLabel[transfer.wallet], phone: formatPhone(transfer.phone) })}</span>
      <span className="text-xs text-ink-muted">{t("madeBy", { maker: transfer.makerName })}</span>
    </p>
  );
}
