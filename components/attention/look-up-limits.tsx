import { formatDateTime, formatNumber } from "@/lib/format";
import type { RateLimitReached } from "@/lib/transfers/attention";
import { Item, Section } from "./section";

const limitName = { lookUpsPerHour: "look-ups per hour", batchRowsPerDay: "batch rows per 24 hours" } as const;

/**
 * "Look-up limits reached in the last 24 h" (docs/limits.md#look-ups-per-person-per-hour), for admins: owner
 * names are personal data, and a burst of look-ups may be someone collecting them.
 */
export function LookUpLimitsReached({ reached }: { reached: RateLimitReached[] }) {
  if (reached.length === 0) return null;
  return (
    <Section
      title="Look-up limits reached in the last 24 h"
      count={reached.length}
      hint="These people were refused further look-ups. Refusals are recorded at most once a minute per person; the audit trail has each one. If the work was expected, raise the limit on Limits; if not, ask them."
    >
      {reached.map((entry) => (
        <Item key={`${entry.userId}-${entry.kind}`} testId={`limit-reached-${entry.kind}-${entry.email ?? "unknown"}`}>
          <p className="text-sm">
            <strong>{entry.name ?? entry.email ?? "Unknown user"}</strong> reached the {limitName[entry.kind]}:{" "}
            {entry.minutes === 1 ? "refused in 1 minute" : `refused in ${formatNumber(entry.minutes)} separate minutes`}, the last at{" "}
            {formatDateTime(entry.last)}
            {entry.minutes > 1 ? `, the first at ${formatDateTime(entry.first)}` : ""}.
          </p>
          <p className="text-xs text-ink-muted">Last refused: {entry.latest}.</p>
        </Item>
      ))}
    </Section>
  );
}
