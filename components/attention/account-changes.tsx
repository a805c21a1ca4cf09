import { formatDateTime, formatTimeNear } from "@/lib/format";
import type { ChangedAccount } from "@/lib/transfers/attention";
import { Item, Section } from "./section";

/**
 * "Account changes in the last 24 h" (docs/roles.md#two-people-not-two-accounts): managers an admin created,
 * promoted or re-keyed, and new admins, with who changed them and when. Everyone else on Needs attention
 * sees it, so one admin cannot quietly become a second approver.
 */
export function AccountChanges({ accounts, now }: { accounts: ChangedAccount[]; now: Date }) {
  if (accounts.length === 0) return null;
  return (
    <Section
      title="Account changes in the last 24 h"
      count={accounts.length}
      hint="An admin created, promoted or reset these accounts. A manager changed by an admin cannot approve for 24 hours (two people, not two accounts): if a change is unexpected, ask the admin who made it."
    >
      {accounts.map((account) => (
        <Item key={account.id} testId={`account-change-${account.email}`}>
          <p className="text-sm">
            <strong>{account.name}</strong> <span className="text-xs text-ink-muted">({account.email}, {account.role})</span>
          </p>
          <ul className="mt-1 text-sm">
            {account.changes.map((change) => (
              <li key={`${change.at.getTime()}-${change.what}`}>
                {change.what} by {change.byName ?? change.byEmail ?? "the system"} on {formatDateTime(change.at)}
              </li>
            ))}
          </ul>
          {account.holdUntil ? (
            <p className="mt-1 text-xs font-medium text-warn">
              {account.name} cannot approve or reject until {formatTimeNear(account.holdUntil, now)}.
            </p>
          ) : null}
        </Item>
      ))}
    </Section>
  );
}
