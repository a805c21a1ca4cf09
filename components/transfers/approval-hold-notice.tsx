import { useTranslations } from "next-intl";
import { useFormat } from "@/components/i18n/use-format";

type Hold = { since: Date; until: Date };

/**
 * Tells a manager on approval hold why they cannot decide yet (docs/roles.md#two-people-not-two-accounts).
 * Given the hold (`approvalHoldOf` of lib/transfers/approval-hold.ts) and the time now, it says so in the reader's
 * language.
 */
export function ApprovalHoldNotice({ hold, now }: { hold: Hold; now: Date }) {
  const t = useTranslations("approvals");
  const format = useFormat();
  const message = t("hold", { since: format.timeNear(hold.since, now), until: format.timeNear(hold.until, now) });
  return (
    <p role="status" className="mb-4 rounded-md border border-warn/40 bg-warn-soft px-3 py-2 text-sm text-warn" data-testid="approval-hold">
      {message} {t("holdUntilThen")}
    </p>
  );
}
