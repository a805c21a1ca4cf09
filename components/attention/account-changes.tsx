import { useTranslations } from "next-intl";
import { useFormat } from "@/components/i18n/use-format";
import type { ChangedAccount } from "@/lib/transfers/attention";
import { Item, Section } from "./section";

/**
 * "Account changes in the last 24 h" (docs/roles.md#two-people-not-two-accounts): managers an admin created,
 * promoted or re-keyed, and new admins, with who changed them and when. Everyone else on Needs attention
 * sees it, so one admin cannot quietly become a second approver.
 */
export function AccountChanges({ accounts, now }: { accounts: ChangedAccount[]; now: Date }) {
  const t = useTranslations("attention");
  const roleName = useTranslations("roles");
  const format = useFormat();
  if (accounts.length === 0) return null;
  return (
    <Section id="account-changes" title={t("accountChangesTitle")} count={accounts.length} hint={t("accountChangesHint")}>
      {accounts.map((account) => (
        <Item key={account.id} testId={`account-change-${account.email}`}>
          <p className="text-sm break-words">
            <strong>{account.name}</strong>{" "}
            <span className="text-xs break-all text-ink-muted">
              ({account.email}, {roleName(account.role)})
            </span>
          </p>
          <ul className="mt-1 text-sm">
            {account.changes.map((change) => (
              <li key={`${change.at.getTime()}-${change.what}`} className="break-words">
                {t("changeLine", { what: change.what, by: change.byName ?? change.byEmail ?? t("theSystem"), at: format.dateTime(change.at) })}
              </li>
            ))}
          </ul>
          {account.holdUntil ? (
            <p className="mt-1 text-xs font-medium text-warn">{t("holdUntil", { name: account.name, until: format.timeNear(account.holdUntil, now) })}</p>
          ) : null}
        </Item>
      ))}
    </Section>
  );
}
