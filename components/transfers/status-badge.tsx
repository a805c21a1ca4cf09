import { useTranslations } from "next-intl";
import type { ComponentProps } from "react";
import { Badge } from "@/components/ui/badge";
import type { TransferStatus } from "@/lib/transfers/status";
import { statusInfo } from "@/lib/transfers/status";

/** A transfer's status in the finance team's words; hovering tells what it means. */
export function StatusBadge({ status, ...props }: { status: TransferStatus } & Omit<ComponentProps<typeof Badge>, "tone" | "children">) {
  const t = useTranslations("transferStatus");
  return (
    <Badge tone={statusInfo[status].tone} title={t(`${status}.description`)} data-status={status} {...props}>
      {t(`${status}.label`)}
    </Badge>
  );
}
