import { useTranslations } from "next-intl";
import { useFormat } from "@/components/i18n/use-format";
import type { BatchOverview } from "@/lib/batches/queries";

/**
 * The check's progress (rows looked up / all, problems so far) and, once approved, the send's (sent,
 * succeeded, processing, failed). Read from the database on every render, so a reload shows the same.
 */
export function BatchProgress({ overview }: { overview: BatchOverview }) {
  const t = useTranslations("batches.progress");
  const format = useFormat();
  const { rows, transfers, batch } = overview;
  const count = (...statuses: (keyof BatchOverview["transfers"])[]) => statuses.reduce((n, s) => n + (transfers[s]?.count ?? 0), 0);
  const submitted = count("awaiting_approval", "approved", "sending", "processing", "succeeded", "failed", "refunded", "rejected", "canceled", "expired");
  const approvedOrLater = count("approved", "sending", "processing", "succeeded", "failed", "refunded");

  // Scheduled (docs/batches.md#scheduled-batches): nothing is sent before its time; the status line says when.
  if (batch.status === "scheduled") return null;
  if (approvedOrLater > 0) {
    const sent = count("sending", "processing", "succeeded", "failed", "refunded");
    const succeeded = count("succeeded");
    const processing = count("sending", "processing", "unresolved");
    const failed = count("failed", "refunded");
    return (
      <Progress
        testId="send-progress"
        label={batch.status === "sending" ? t("sending") : t("sent")}
        done={sent}
        total={approvedOrLater}
        parts={[
          { value: succeeded, className: "bg-ok" },
          { value: processing, className: "bg-info" },
          { value: failed, className: "bg-danger" },
        ]}
      >
        <Stat label={t("statSent")} value={`${format.number(sent)} / ${format.number(approvedOrLater)}`} testId="sent" />
        <Stat label={t("statSucceeded")} value={format.number(succeeded)} testId="succeeded" />
        <Stat label={t("statProcessing")} value={format.number(processing)} testId="processing" />
        <Stat label={t("statFailed")} value={format.number(failed)} testId="failed" />
      </Progress>
    );
  }
  // Before an approval, look-ups older than 15 minutes are redone: that re-check shows like the first one.
  const rechecking = batch.status === "awaiting_approval" && (batch.recheckRequestedAt !== null || rows.pending > 0);
  if ((submitted > 0 && !rechecking) || batch.status === "canceled") return null;
  const checked = rows.all - rows.pending;
  const problems = rows.invalid + rows.unconfirmed;
  // At 100 % the panel says the check is done, not that it is still going on.
  const done = rows.pending === 0;
  return (
    <Progress
      testId="check-progress"
      label={rechecking ? (done ? t("rechecked") : t("rechecking")) : done ? t("checked") : t("checking")}
      done={checked}
      total={rows.all}
      parts={[
        { value: rows.ok, className: "bg-ok" },
        { value: problems, className: "bg-danger" },
      ]}
    >
      <Stat label={t("statChecked")} value={`${format.number(checked)} / ${format.number(rows.all)}`} testId="checked" />
      <Stat label={t("statConfirmed")} value={format.number(rows.ok)} testId="confirmed" />
      <Stat label={done ? t("statErrors") : t("statErrorsSoFar")} value={format.number(problems)} testId="errors" />
    </Progress>
  );
}

function Progress({
  testId,
  label,
  done,
  total,
  parts,
  children,
}: {
  testId: string;
  label: string;
  done: number;
  total: number;
  parts: { value: number; className: string }[];
  children: React.ReactNode;
}) {
  const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
  return (
    <section aria-label={label} data-testid={testId} className="rounded-lg border border-line bg-surface px-4 py-3">
      <div className="mb-2 flex items-baseline justify-between gap-3 text-sm">
        <span className="font-medium">{label}</span>
        <span className="text-ink-muted tabular-nums">{percent}%</span>
      </div>
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} className="flex h-2.5 overflow-hidden rounded-full bg-canvas ring-1 ring-line ring-inset">
        {parts.map((part, i) => (
          <div key={i} className={part.className} style={{ width: `${total === 0 ? 0 : (part.value / total) * 100}%` }} />
        ))}
      </div>
      <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-sm">{children}</dl>
    </section>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="flex gap-1.5">
      <dt className="text-ink-muted">{label}</dt>
      <dd className="font-medium tabular-nums" data-testid={`progress-${testId}`}>
        {value}
      </dd>
    </div>
  );
}
