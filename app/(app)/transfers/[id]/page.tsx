import { ArrowLeft, ClipboardCheck, RotateCcw } from "lucide-react";
import type { Metadata } from "next";
import { useLocale, useTranslations } from "next-intl";
import { getLocale, getTranslations } from "next-intl/server";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { getFormat } from "@/components/i18n/get-format";
import { useFormat } from "@/components/i18n/use-format";
import { PageHeader } from "@/components/shell/app-shell";
import { CancelTransferButton } from "@/components/transfers/cancel-transfer";
import { RefreshStatusButton } from "@/components/transfers/refresh-buttons";
import { StatusBadge } from "@/components/transfers/status-badge";
import { Timeline } from "@/components/transfers/timeline";
import { Button } from "@/components/ui/button";
import { db } from "@/db/client";
import { getTransferDetail, type TransferDetail } from "@/lib/transfers/history";
import type { User } from "@/db/schema";
import { requireUser } from "@/lib/auth/session";
import { routeId } from "@/lib/route-id";
import { formatPhone } from "@/lib/phone-display";
import { isUnsettledAtGateway } from "@/lib/transfers/status";
import { walletLabel } from "@/lib/transfers/wallets";
import { storedText } from "@/lib/i18n/stored";
import { findRecipient, recipientFor } from "@/lib/recipients/service";
import { SaveAsRecipient } from "@/components/transfers/save-as-recipient";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  const t = await getTranslations("transfers.detail");
  return { title: t("metaTitle", { id: String(routeId(id) ?? "") }) };
}

export default async function TransferPage({ params }: Props) {
  const locale = await getLocale();
  const user = await requireUser();
  const id = routeId((await params).id);
  const detail = id === undefined ? undefined : await getTransferDetail(db(), id);
  if (!detail) notFound();
  const { transfer } = detail;
  const t = await getTranslations("transfers.detail");
  const status = await getTranslations("transferStatus");
  const paidRecipient = transfer.recipientId === null ? undefined : await findRecipient(db(), transfer.recipientId);
  // Offered once a transfer went through, for a number no saved recipient has yet (else a link to it).
  const savedAs = transfer.status === "succeeded" ? ((await recipientFor(db(), transfer.wallet, transfer.phone))?.label ?? null) : undefined;
  const format = await getFormat();
  const dash = "—";

  return (
    <>
      <Link href="/transfers" className="mb-2 inline-flex min-h-6 items-center gap-1 text-xs font-medium text-ink-muted hover:text-ink">
        <ArrowLeft aria-hidden className="size-3.5" />
        {t("backToHistory")}
      </Link>
      <PageHeader
        title={t("title", { reference: transfer.reference })}
        description={t("summary", { amount: format.rupiah(transfer.amount), name: transfer.ownerName, wallet: walletLabel[transfer.wallet] })}
        actions={
          <>
            <TransferActions detail={detail} user={user} />
            {savedAs !== undefined ? (
              <SaveAsRecipient wallet={transfer.wallet} phone={transfer.phone} amount={transfer.amount} memo={transfer.memo} ownerName={transfer.ownerName} savedAs={savedAs} />
            ) : null}
          </>
        }
      />
      <section aria-label={t("status")} className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-line bg-surface px-4 py-3">
        <StatusBadge status={transfer.status} className="text-sm" data-testid="transfer-status" />
        <p className="min-w-0 text-sm">{status(`${transfer.status}.description`)}.</p>
        {transfer.reason ? (
          <p className="w-full text-sm break-words text-ink-muted">
            {/* A rejection's or cancellation's reason is the person's own words; a failure's is ours (lib/i18n/stored.ts). */}
            {t("reason", { reason: transfer.status === "rejected" || transfer.status === "canceled" ? transfer.reason : storedText(transfer.reason, locale) })}
          </p>
        ) : null}
        {transfer.status === "unresolved" ? <UnresolvedNote detail={detail} canSeeAttention={user.role !== "staff"} /> : null}
      </section>
      {transfer.discrepancy ? <DiscrepancyNote detail={detail} /> : null}
      <div className="mb-6 grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title={t("transferCard")}>
          <Row label={t("reference")}>
            <span className="font-mono text-xs break-all" data-testid="transfer-reference">
              {transfer.reference}
            </span>
          </Row>
          <Row label={t("amount")}>
            <span className="font-medium tabular-nums">{format.rupiah(transfer.amount)}</span>
          </Row>
          <Row label={t("wallet")}>{walletLabel[transfer.wallet]}</Row>
          <Row label={t("phone")}>
            <span className="whitespace-nowrap">{formatPhone(transfer.phone)}</span>
          </Row>
          <Row label={t("ownerName")}>{transfer.ownerName}</Row>
          {transfer.memo ? <Row label={t("memo")}>{transfer.memo}</Row> : null}
          {paidRecipient ? (
            <Row label={t("recipient")}>
              <Link href={`/recipients?q=${encodeURIComponent(paidRecipient.label)}`} className="font-medium text-brand underline">
                {paidRecipient.label}
              </Link>
            </Row>
          ) : null}
          <Row label={t("created")}>{t("createdBy", { when: format.dateTime(transfer.createdAt), name: detail.makerName })}</Row>
          {detail.inquiry ? (
            <Row label={t("lookedUp")}>
              {t("lookedUpAs", { when: format.dateTime(detail.inquiry.createdAt), name: detail.inquiry.ownerName ?? t("noName") })}
              <span className="block font-mono text-xs break-all text-ink-muted">{detail.inquiry.reference}</span>
            </Row>
          ) : null}
          {detail.retryOf ? (
            <Row label={t("retryOf")}>
              <Link href={`/transfers/${detail.retryOf.id}`} className="font-mono text-xs break-all text-brand hover:underline">
                {detail.retryOf.reference}
              </Link>
            </Row>
          ) : null}
          {detail.retry ? (
            <Row label={t("retriedAs")}>
              <Link href={`/transfers/${detail.retry.id}`} className="font-mono text-xs break-all text-brand hover:underline" data-testid="retried-as">
                {detail.retry.reference}
              </Link>
            </Row>
          ) : null}
        </Card>
        <Card title={t("processingCard")}>
          <Row label={t("approval")}>
            <ApprovalState detail={detail} />
          </Row>
          <Row label={t("sentToCashIn")}>{transfer.sentAt ? format.dateTime(transfer.sentAt, { seconds: true }) : t("notSent")}</Row>
          <Row label={t("cashinReference")}>{transfer.cashinReference ? <span className="font-mono text-xs break-all">{transfer.cashinReference}</span> : dash}</Row>
          <Row label={t("lastAnswer")}>
            {transfer.lastCode || transfer.lastMessage ? (
              <>
                {transfer.lastCode ? <span className="mr-1.5 font-mono text-xs">{transfer.lastCode}</span> : null}
                {transfer.lastMessage ? storedText(transfer.lastMessage, locale) : null}
              </>
            ) : (
              dash
            )}
          </Row>
          <Row label={t("settled")}>{transfer.settledAt ? format.dateTime(transfer.settledAt, { seconds: true }) : t("notYet")}</Row>
          {isUnsettledAtGateway(transfer.status) ? (
            <Row label={t("checks")}>
              {transfer.nextCheckAt
                ? t("checksNext", { count: transfer.checks, next: format.dateTime(transfer.nextCheckAt, { seconds: true }) })
                : t("checksSoFar", { count: transfer.checks })}
            </Row>
          ) : null}
          <Row label={t("lastChange")}>{format.dateTime(transfer.updatedAt, { seconds: true })}</Row>
        </Card>
      </div>
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading" className="mb-1 text-base font-semibold">
          {t("timeline")}
        </h2>
        <p className="mb-3 text-xs text-ink-muted">{t("timelineDescription")}</p>
        <div className="rounded-lg border border-line bg-surface p-3 sm:p-4">
          <Timeline events={detail.timeline} />
        </div>
      </section>
    </>
  );
}

/** Only what this person may do to this transfer now (docs/roles.md#what-each-screen-offers); the server checks each again. */
function TransferActions({ detail, user }: { detail: TransferDetail; user: User }) {
  const t = useTranslations("transfers.detail");
  const { transfer } = detail;
  const awaiting = transfer.status === "awaiting_approval";
  const isMaker = transfer.makerId === user.id;
  return (
    <>
      {isUnsettledAtGateway(transfer.status) || transfer.status === "unresolved" ? <RefreshStatusButton transferId={transfer.id} reference={transfer.reference} /> : null}
      {awaiting && isMaker ? <CancelTransferButton transferId={transfer.id} reference={transfer.reference} /> : null}
      {awaiting && user.role === "manager" && !isMaker ? (
        <Button asChild>
          <Link href={`/approvals#transfer-${transfer.id}`}>
            <ClipboardCheck aria-hidden />
            {t("reviewForApproval")}
          </Link>
        </Button>
      ) : null}
      {transfer.status === "failed" && !detail.retry && (isMaker || user.role === "manager") ? (
        <Button asChild>
          <Link href={`/transfers/new?retryOf=${transfer.id}`}>
            <RotateCcw aria-hidden />
            {t("retry")}
          </Link>
        </Button>
      ) : null}
    </>
  );
}

/** What to ask Cash In about a transfer it has not settled, and where the admin's resolution stands. */
function UnresolvedNote({ detail, canSeeAttention }: { detail: TransferDetail; canSeeAttention: boolean }) {
  const t = useTranslations("transfers.detail.unresolved");
  const format = useFormat();
  const { transfer } = detail;
  const attention = canSeeAttention ? (
    <Link href="/attention" className="text-brand hover:underline">
      {t("attention")}
    </Link>
  ) : (
    t("attention")
  );
  const dash = "—";
  const mono = (chunks: ReactNode) => <span className="font-mono break-all text-ink">{chunks}</span>;
  return (
    <div className="w-full min-w-0 text-sm" data-testid="unresolved-note">
      <p className="font-medium">{t("ask")}</p>
      <p className="break-words text-ink-muted">
        {t.rich(transfer.cashinReference ? "factsWithCashin" : "facts", {
          reference: transfer.reference,
          cashinReference: transfer.cashinReference ?? "",
          amount: format.rupiah(transfer.amount),
          // As Cash In knows the number (its customerNumber), next to the partnerReferenceNo support asks for.
          phone: transfer.phone,
          wallet: walletLabel[transfer.wallet],
          sent: transfer.sentAt ? format.dateTime(transfer.sentAt, { seconds: true }) : dash,
          mono,
        })}
      </p>
      {transfer.resolutionOutcome ? (
        <p className="mt-1">
          {t.rich("recorded", {
            name: detail.resolutionByName ?? t("anAdmin"),
            outcome: transfer.resolutionOutcome === "succeeded" ? t("outcomeSucceeded") : t("outcomeFailed"),
            reason: transfer.resolutionReason ?? "",
            strong: (chunks) => <strong>{chunks}</strong>,
            attention: () => attention,
          })}
        </p>
      ) : (
        <p className="mt-1">{t.rich("adminRecords", { attention: () => attention })}</p>
      )}
    </div>
  );
}

function DiscrepancyNote({ detail }: { detail: TransferDetail }) {
  const t = useTranslations("transfers.detail.discrepancy");
  const format = useFormat();
  const locale = useLocale();
  const { transfer } = detail;
  const reviewed = transfer.discrepancyReviewedAt;
  const seen = transfer.discrepancyAt ? format.dateTime(transfer.discrepancyAt, { seconds: true }) : "";
  return (
    <section
      aria-label={t("label")}
      data-testid="discrepancy"
      className={reviewed ? "mb-4 rounded-lg border border-line bg-surface px-4 py-3 text-sm" : "mb-4 rounded-lg border border-danger/40 bg-danger-soft px-4 py-3 text-sm"}
    >
      <p className={reviewed ? "font-medium" : "font-semibold text-danger"}>{reviewed ? t("reviewedTitle") : t("openTitle")}</p>
      <p className="mt-0.5 break-words">{transfer.discrepancy ? storedText(transfer.discrepancy, locale) : null}</p>
      <p className="mt-0.5 text-xs text-ink-muted">
        {reviewed
          ? t("seenReviewed", { seen, name: detail.discrepancyReviewedByName ?? t("anAdmin"), when: format.dateTime(reviewed) })
          : t("seenOpen", { seen })}
      </p>
    </section>
  );
}

function ApprovalState({ detail }: { detail: TransferDetail }) {
  const t = useTranslations("transfers.detail.approvalState");
  const format = useFormat();
  const { transfer, approverName, makerName } = detail;
  const when = transfer.decidedAt ? format.dateTime(transfer.decidedAt) : "";
  const manager = approverName ?? t("aManager");
  switch (transfer.status) {
    case "awaiting_approval":
      return <>{t("waiting", { name: makerName })}</>;
    case "rejected":
      return <>{when ? t("rejectedOn", { name: manager, when }) : t("rejected", { name: manager })}</>;
    case "canceled":
      return <>{when ? t("canceledOn", { name: makerName, when }) : t("canceled", { name: makerName })}</>;
    case "expired":
      return <>{when ? t("expiredOn", { when }) : t("expired")}</>;
    default:
      return approverName ? <>{when ? t("approvedOn", { name: approverName, when }) : t("approved", { name: approverName })}</> : <>{t("notNeeded")}</>;
  }
}

function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title} className="min-w-0 rounded-lg border border-line bg-surface">
      <h2 className="border-b border-line px-4 py-2.5 text-sm font-semibold">{title}</h2>
      <dl className="divide-y divide-line">{children}</dl>
    </section>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[minmax(0,7rem)_minmax(0,1fr)] gap-3 px-4 py-2 text-sm sm:grid-cols-[8rem_minmax(0,1fr)]">
      <dt className="text-ink-muted">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}
