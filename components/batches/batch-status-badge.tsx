import { Badge } from "@/components/ui/badge";
import type { BatchStatus } from "@/lib/batches/labels";
import { batchStatusLabel } from "@/lib/batches/labels";

const tones: Record<BatchStatus, "neutral" | "brand" | "ok" | "warn" | "danger" | "info"> = {
  checking: "info",
  ready: "brand",
  awaiting_approval: "warn",
  sending: "info",
  sent: "ok",
  rejected: "danger",
  canceled: "neutral",
  expired: "neutral",
};

export function BatchStatusBadge({ status, className }: { status: BatchStatus; className?: string }) {
  return (
    <Badge tone={tones[status]} data-status={status} data-testid="batch-status" className={className}>
      {batchStatusLabel[status]}
    </Badge>
  );
}
