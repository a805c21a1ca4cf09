import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import type { BatchStatus } from "@/lib/batches/labels";

type Tone = "neutral" | "brand" | "ok" | "warn" | "danger" | "info";

const tones: Record<BatchStatus, Tone> = {
  checking: "info",
  ready: "brand",
  awaiting_approval: "warn",
  scheduled: "brand",
  sending: "info",
  sent: "ok",
  rejected: "danger",
  canceled: "neutral",
  expired: "neutral",
};

/**
 * What the badge says: a checked batch is "Ready to submit" only when its maker can submit it; while a
 * row still blocks submitting it "Needs fixes", and with every row removed there is nothing to submit.
 */
function shown(status: BatchStatus, blocking: number, rows: number | undefined): { key: BatchStatus | "needsFixes" | "empty"; tone: Tone } {
  if (status === "ready" && blocking > 0) return { key: "needsFixes", tone: "danger" };
  if (status === "ready" && rows === 0) return { key: "empty", tone: "neutral" };
  return { key: status, tone: tones[status] };
}

export function BatchStatusBadge({
  status,
  blocking = 0,
  rows,
  className,
}: {
  status: BatchStatus;
  /** Rows that are invalid or whose wallet was not confirmed: they block submitting. */
  blocking?: number;
  /** Rows not removed. */
  rows?: number;
  className?: string;
}) {
  const t = useTranslations("batchStatus");
  const { key, tone } = shown(status, blocking, rows);
  return (
    <Badge tone={tone} data-status={status} data-testid="batch-status" className={className}>
      {t(key)}
    </Badge>
  );
}
