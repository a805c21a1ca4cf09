import type { ComponentProps } from "react";
import { Badge } from "@/components/ui/badge";
import type { TransferStatus } from "@/lib/transfers/status";
import { statusInfo } from "@/lib/transfers/status";

/** A transfer's status in the finance team's words; hovering tells what it means. */
export function StatusBadge({ status, ...props }: { status: TransferStatus } & Omit<ComponentProps<typeof Badge>, "tone" | "children">) {
  const info = statusInfo[status];
  return (
    <Badge tone={info.tone} title={info.description} data-status={status} {...props}>
      {info.label}
    </Badge>
  );
}
