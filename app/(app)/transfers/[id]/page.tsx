import { ArrowLeft, ClipboardCheck, RotateCcw } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
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
import { formatDateTime, formatRupiah } from "@/lib/format";
import { isUnsettledAtGateway, statusInfo } from "@/lib/transfers/status";
import { walletLabel } from "@/lib/transfers/wallets";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  return { title: `Transfer ${routeId(id) ?? ""} · Cash In Payouts` };
}

export default async function TransferPage({ params }: Props) {
  const user = await requireUser();
  const id = routeId((await params).id);
  const detail = id === undefined ? undefined : getTransferDetail(db(), id);
  if (!detail) notFound();
  const { transfer } = detail;
  const info = statusInfo[transfer.status];

  return (
    <>
      <Link href="/transfers" className="mb-2 inline-flex items-center gap-1 text-xs font-medium text-ink-muted hover:text-ink">
        <ArrowLeft aria-hidden className="size-3.5" />
        History
      </Link>
      <PageHeader
        title={`Transfer ${transfer.reference}`}
        description={`${formatRupiah(transfer.amount)} to ${transfer.ownerName} (${walletLabel[transfer.wallet]})`}
        actions={<TransferActions detail={detail} user={user} />}
      />
      <section aria-label="Status" className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-line bg-surface px-4 py-3">
        <StatusBadge status={transfer.status} className="text-sm" data-testid="transfer-status" />
        <p className="text-sm">{info.description}.</p>
        {transfer.reason ? <p className="w-full text-sm text-ink-muted">Reason: {transfer.reason}</p> : null}
        {transfer.status === "unresolved" ? <UnresolvedNote detail={detail} canSeeAttention={user.role !== "staff"} /> : null}
      </section>
      {transfer.discrepancy ? <DiscrepancyNote detail={detail} /> : null}
      <div className="mb-6 grid grid-cols-2 gap-4">
        <Card title="Transfer">
          <Row label="Reference">
            <span className="font-mono text-xs" data-testid="transfer-reference">
              {transfer.reference}
            </span>
          </Row>
          <Row label="Amount">
            <span className="font-medium tabular-nums">{formatRupiah(transfer.amount)}</span>
          </Row>
          <Row label="Wallet">{walletLabel[transfer.wallet]}</Row>
          <Row label="Phone">{transfer.phone}</Row>
          <Row label="Owner name">{transfer.ownerName}</Row>
          <Row label="Created">
            {formatDateTime(transfer.createdAt)} by {detail.makerName}
          </Row>
          {detail.inquiry ? (
            <Row label="Looked up">
              {formatDateTime(detail.inquiry.createdAt)}: “{detail.inquiry.ownerName ?? "no name"}”
              <span className="block font-mono text-xs text-ink-muted">{detail.inquiry.reference}</span>
            </Row>
          ) : null}
          {detail.retryOf ? (
            <Row label="Retry of">
              <Link href={`/transfers/${detail.retryOf.id}`} className="font-mono text-xs text-brand hover:underline">
                {detail.retryOf.reference}
              </Link>
            </Row>
          ) : null}
          {detail.retry ? (
            <Row label="Retried as">
              <Link href={`/transfers/${detail.retry.id}`} className="font-mono text-xs text-brand hover:underline" data-testid="retried-as">
                {detail.retry.reference}
              </Link>
            </Row>
          ) : null}
        </Card>
        <Card title="Processing">
          <Row label="Approval">
            <ApprovalState detail={detail} />
          </Row>
          <Row label="Sent to Cash In">{transfer.sentAt ? formatDateTime(transfer.sentAt, { seconds: true }) : "Not sent"}</Row>
          <Row label="Cash In reference">{transfer.cashinReference ? <span className="font-mono text-xs">{transfer.cashinReference}</span> : "—"}</Row>
          <Row label="Last answer">
            {transfer.lastCode || transfer.lastMessage ? (
              <>
                {transfer.lastCode ? <span className="mr-1.5 font-mono text-xs">{transfer.lastCode}</span> : null}
                {transfer.lastMessage}
              </>
            ) : (
              "—"
            )}
          </Row>
          <Row label="Settled">{transfer.settledAt ? formatDateTime(transfer.settledAt, { seconds: true }) : "Not yet"}</Row>
          {isUnsettledAtGateway(transfer.status) ? (
            <Row label="Automatic checks">
              {transfer.checks} so far
              {transfer.nextCheckAt ? `; next ${formatDateTime(transfer.nextCheckAt, { seconds: true })}` : ""}
            </Row>
          ) : null}
          <Row label="Last change">{formatDateTime(transfer.updatedAt, { seconds: true })}</Row>
        </Card>
      </div>
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading" className="mb-1 text-base font-semibold">
          Timeline
        </h2>
        <p className="mb-3 text-xs text-ink-muted">Every call to Cash In and every change, oldest first.</p>
        <div className="rounded-lg border border-line bg-surface p-4">
          <Timeline events={detail.timeline} />
        </div>
      </section>
    </>
  );
}

/** Only what this person may do to this transfer now (docs/roles.md#what-each-screen-offers); the server checks each again. */
function TransferActions({ detail, user }: { detail: TransferDetail; user: User }) {
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
            Review for approval
          </Link>
        </Button>
      ) : null}
      {transfer.status === "failed" && !detail.retry && (isMaker || user.role === "manager") ? (
        <Button asChild>
          <Link href={`/transfers/new?retryOf=${transfer.id}`}>
            <RotateCcw aria-hidden />
            Retry as a new transfer
          </Link>
        </Button>
      ) : null}
    </>
  );
}

/** What to ask Cash In about a transfer it has not settled, and where the admin's resolution stands. */
function UnresolvedNote({ detail, canSeeAttention }: { detail: TransferDetail; canSeeAttention: boolean }) {
  const { transfer } = detail;
  const attention = canSeeAttention ? (
    <Link href="/attention" className="text-brand hover:underline">
      Needs attention
    </Link>
  ) : (
    "Needs attention"
  );
  return (
    <div className="w-full text-sm" data-testid="unresolved-note">
      <p className="font-medium">Ask Cash In support about this transfer:</p>
      <p className="text-ink-muted">
        partnerReferenceNo <span className="font-mono text-ink">{transfer.reference}</span>
        {transfer.cashinReference ? (
          <>
            , Cash In reference <span className="font-mono text-ink">{transfer.cashinReference}</span>
          </>
        ) : null}
        , {formatRupiah(transfer.amount)} to {transfer.phone} ({walletLabel[transfer.wallet]}), sent {transfer.sentAt ? formatDateTime(transfer.sentAt, { seconds: true }) : "—"}.
      </p>
      {transfer.resolutionOutcome ? (
        <p className="mt-1">
          {detail.resolutionByName ?? "An admin"} recorded it as <strong>{transfer.resolutionOutcome}</strong> ({transfer.resolutionReason}); a manager confirms it on{" "}
          {attention}.
        </p>
      ) : (
        <p className="mt-1">
          An admin records the answer on {attention}; it never goes out again by itself.
        </p>
      )}
    </div>
  );
}

function DiscrepancyNote({ detail }: { detail: TransferDetail }) {
  const { transfer } = detail;
  const reviewed = transfer.discrepancyReviewedAt;
  return (
    <section
      aria-label="Discrepancy"
      data-testid="discrepancy"
      className={reviewed ? "mb-4 rounded-lg border border-line bg-surface px-4 py-3 text-sm" : "mb-4 rounded-lg border border-danger/40 bg-danger-soft px-4 py-3 text-sm"}
    >
      <p className={reviewed ? "font-medium" : "font-semibold text-danger"}>{reviewed ? "Discrepancy (reviewed)" : "Discrepancy: Cash In contradicts this status"}</p>
      <p className="mt-0.5">{transfer.discrepancy}</p>
      <p className="mt-0.5 text-xs text-ink-muted">
        Seen {transfer.discrepancyAt ? formatDateTime(transfer.discrepancyAt, { seconds: true }) : ""}
        {reviewed ? ` · reviewed by ${detail.discrepancyReviewedByName ?? "an admin"} ${formatDateTime(reviewed)}` : " · an admin marks it reviewed on Needs attention"}
      </p>
    </section>
  );
}

function ApprovalState({ detail }: { detail: TransferDetail }) {
  const { transfer, approverName, makerName } = detail;
  const when = transfer.decidedAt ? ` on ${formatDateTime(transfer.decidedAt)}` : "";
  switch (transfer.status) {
    case "awaiting_approval":
      return <>Waiting for a manager other than {makerName}</>;
    case "rejected":
      return <>Rejected by {approverName ?? "a manager"}{when}</>;
    case "canceled":
      return <>Canceled by {makerName}{when}</>;
    case "expired":
      return <>Expired unapproved{when}</>;
    default:
      return approverName ? <>Approved by {approverName}{when}</> : <>Not needed: below the approval threshold</>;
  }
}

function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title} className="rounded-lg border border-line bg-surface">
      <h2 className="border-b border-line px-4 py-2.5 text-sm font-semibold">{title}</h2>
      <dl className="divide-y divide-line">{children}</dl>
    </section>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[8rem_1fr] gap-3 px-4 py-2 text-sm">
      <dt className="text-ink-muted">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}
