import type { Metadata } from "next";
import Link from "next/link";
import { AccountChanges } from "@/components/attention/account-changes";
import { DecideOutcome, MarkReviewed, RecordOutcome } from "@/components/attention/attention-actions";
import { LookUpLimitsReached } from "@/components/attention/look-up-limits";
import { Item, Section } from "@/components/attention/section";
import { PageHeader } from "@/components/shell/app-shell";
import { StatusBadge } from "@/components/transfers/status-badge";
import { db } from "@/db/client";
import { approvalQueue } from "@/lib/transfers/approval-queue";
import { accountChanges, lookUpLimitsReached, openDiscrepancies, pausedBatches, unresolvedTransfers, type UnresolvedTransfer } from "@/lib/transfers/attention";
import { batchesAwaitingApproval } from "@/lib/batches/queries";
import type { User } from "@/db/schema";
import { requireUser } from "@/lib/auth/session";
import { formatDateTime, formatNumber, formatRupiah } from "@/lib/format";
import { nearDuplicatesOf } from "@/lib/transfers/approvals";
import { getLimits } from "@/lib/transfers/settings";
import { walletLabel } from "@/lib/transfers/wallets";

export const metadata: Metadata = { title: "Needs attention · Cash In Payouts" };
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
  const database = db();
  const limits = getLimits(database);
  const unresolved = unresolvedTransfers(database);
  const discrepancies = openDiscrepancies(database);
  const duplicates = approvalQueue(database, user.id, limits.approvalWindowHours)
    .map((row) => ({ ...row, nearDuplicates: nearDuplicatesOf(database, row, limits.nearDuplicateWindowHours) }))
    .filter((row) => row.nearDuplicates.length > 0);
  const flaggedBatches = batchesAwaitingApproval(database).filter((batch) => batch.flagged > 0);
  const paused = pausedBatches(database);
  const now = new Date();
  const accounts = accountChanges(database, now);
  const limitsReached = user.role === "admin" ? lookUpLimitsReached(database, now) : [];
  const nothing = unresolved.length + discrepancies.length + duplicates.length + flaggedBatches.length + paused.length + accounts.length + limitsReached.length === 0;

  return (
    <>
      <PageHeader
        title="Needs attention"
        description={`What the app will not decide on its own: transfers Cash In has not settled, answers that contradict a settled status, possible duplicates and stopped batches; and accounts an admin changed${user.role === "admin" ? ", and look-up limits people reached" : ""}.`}
      />
      {nothing ? (
        <div className="rounded-lg border border-dashed border-line-strong bg-surface p-8 text-center text-sm text-ink-muted" data-testid="attention-empty">
          Nothing needs attention.
        </div>
      ) : null}

      {unresolved.length > 0 ? (
        <Section title="Unresolved transfers" count={unresolved.length} hint="Not settled by Cash In after 3 days of checks. Never sent again on their own: ask Cash In support, then an admin records the outcome and a manager confirms it.">
          {unresolved.map((transfer) => (
            <UnresolvedItem key={transfer.id} transfer={transfer} user={user} />
          ))}
        </Section>
      ) : null}

      {discrepancies.length > 0 ? (
        <Section title="Discrepancies" count={discrepancies.length} hint="A later answer of Cash In contradicts the settled status. The status did not change: check with Cash In, then an admin marks it reviewed.">
          {discrepancies.map((transfer) => (
            <Item key={transfer.id} testId={`discrepancy-${transfer.reference}`}>
              <TransferLine transfer={transfer} />
              <p className="mt-1 text-sm text-danger">{transfer.discrepancy}</p>
              <p className="text-xs text-ink-muted">Seen {transfer.discrepancyAt ? formatDateTime(transfer.discrepancyAt, { seconds: true }) : ""}</p>
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
        <Section title="Possible duplicates awaiting approval" count={duplicates.length + flaggedBatches.length} hint="Their makers confirmed these are separate payments; the approving manager checks them too.">
          {duplicates.map((row) => (
            <Item key={row.id} testId={`duplicate-${row.reference}`}>
              <p className="text-sm">
                <Link href={`/transfers/${row.id}`} className="font-mono text-xs text-brand hover:underline">
                  {row.reference}
                </Link>{" "}
                {formatRupiah(row.amount)} to {row.ownerName} ({walletLabel[row.wallet]} · {row.phone}) by {row.makerName}
              </p>
              <p className="text-xs text-ink-muted">
                Same payment as {row.nearDuplicates.map((d) => d.reference).join(", ")}
                {user.role === "manager" ? (
                  <>
                    {" · "}
                    <Link href={`/approvals#transfer-${row.id}`} className="text-brand hover:underline">
                      Review on Approvals
                    </Link>
                  </>
                ) : null}
              </p>
            </Item>
          ))}
          {flaggedBatches.map((batch) => (
            <Item key={`batch-${batch.id}`} testId={`duplicate-batch-${batch.reference}`}>
              <p className="text-sm">
                Batch{" "}
                <Link href={`/batches/${batch.id}`} className="font-mono text-xs text-brand hover:underline">
                  {batch.reference}
                </Link>{" "}
                by {batch.makerName}: {formatNumber(batch.flagged)} of {formatNumber(batch.rows)} rows repeat a row or a recent payment
              </p>
            </Item>
          ))}
        </Section>
      ) : null}

      {paused.length > 0 ? (
        <Section title="Batches waiting to go on sending" count={paused.length} hint="Sending stopped for more than 15 minutes (the app was down), so the rest is not sent without a person's confirmation.">
          {paused.map((batch) => (
            <Item key={batch.id} testId={`paused-${batch.reference}`}>
              <p className="text-sm">
                <Link href={`/batches/${batch.id}`} className="font-mono text-xs text-brand hover:underline">
                  {batch.reference}
                </Link>{" "}
                {batch.fileName} · paused {batch.pausedAt ? formatDateTime(batch.pausedAt) : ""}
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
  const proposed = transfer.resolutionOutcome;
  return (
    <Item testId={`unresolved-${transfer.reference}`}>
      <TransferLine transfer={transfer} />
      <p className="mt-1 text-sm">
        Ask Cash In about partnerReferenceNo <span className="font-mono text-xs">{transfer.reference}</span>
        {transfer.cashinReference ? (
          <>
            {" "}
            (Cash In reference <span className="font-mono text-xs">{transfer.cashinReference}</span>)
          </>
        ) : null}
        , sent {transfer.sentAt ? formatDateTime(transfer.sentAt, { seconds: true }) : "—"}: did the money reach the wallet?
      </p>
      {transfer.lastMessage ? <p className="text-xs text-ink-muted">Last answer: {transfer.lastCode ? `${transfer.lastCode} ` : ""}{transfer.lastMessage}</p> : null}
      {proposed ? (
        <div className="mt-2 rounded-md bg-info-soft px-3 py-2 text-sm" data-testid="proposed-outcome">
          <p>
            <strong>{transfer.resolutionByName ?? "An admin"}</strong> recorded it as <strong>{proposed}</strong>
            {transfer.resolutionAt ? ` on ${formatDateTime(transfer.resolutionAt)}` : ""}: “{transfer.resolutionReason}”.
          </p>
          {user.role === "manager" && user.id !== transfer.resolutionBy ? (
            <div className="mt-2">
              <DecideOutcome transferId={transfer.id} reference={transfer.reference} outcome={proposed} />
            </div>
          ) : (
            <p className="text-xs text-ink-muted">A manager other than {transfer.resolutionByName ?? "the admin"} confirms it before it takes effect.</p>
          )}
        </div>
      ) : user.role === "admin" ? (
        <div className="mt-2">
          <RecordOutcome transferId={transfer.id} reference={transfer.reference} />
        </div>
      ) : (
        <p className="mt-1 text-xs text-ink-muted">An admin records what Cash In says happened; you then confirm it.</p>
      )}
    </Item>
  );
}

type TransferSummary = { id: number; reference: string; amount: number; ownerName: string; wallet: UnresolvedTransfer["wallet"]; phone: string; status: UnresolvedTransfer["status"]; makerName: string };

function TransferLine({ transfer }: { transfer: TransferSummary }) {
  return (
    <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
      <StatusBadge status={transfer.status} />
      <Link href={`/transfers/${transfer.id}`} className="font-mono text-xs text-brand hover:underline">
        {transfer.reference}
      </Link>
      <span className="font-semibold tabular-nums">{formatRupiah(transfer.amount)}</span>
      <span>
        to {transfer.ownerName} ({walletLabel[transfer.wallet]} · {transfer.phone})
      </span>
      <span className="text-xs text-ink-muted">made by {transfer.makerName}</span>
    </p>
  );
}
