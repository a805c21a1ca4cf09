import { useTranslations } from "next-intl";
import { useFormat } from "@/components/i18n/use-format";
import type { RateLimitReached } from "@/lib/transfers/attention";
import { Item, Section } from "./section";

/**
 * "Look-up limits reached in the last 24 h" (docs/limits.md#look-ups-per-person-per-hour), for admins: owner
 * names are personal data, and a burst of look-ups may be someone collecting them.
 */
export function LookUpLimitsReached({ reached }: { reached: RateLimitReached[] }) {
  const t = useTranslations("attention");
  const format = useFormat();
  if (reached.length === 0) return null;
  return (
    <Section id="limits-reached" title={t("limitsReachedTitle")} count={reached.length} hint={t("limitsReachedHint")}>
      {reached.map((entry) => (
        <Item key={`${entry.userId}-${entry.kind}`} testId={`limit-reached-${entry.kind}-${entry.email ?? "unknown"}`}>
          <p className="text-sm break-words">
            {t.rich(entry.minutes > 1 ? "limitReachedMany" : "limitReachedOnce", {
              who: entry.name ?? entry.email ?? t("unknownUser"),
              limit: t(`limitName.${entry.kind}`),
              minutes: format.number(entry.minutes),
              last: format.dateTime(entry.last),
              first: format.dateTime(entry.first),
              strong: (chunks) => <strong>{chunks}</strong>,
            })}
          </p>
          <p className="text-xs break-words text-ink-muted">{t("lastRefused", { latest: entry.latest })}</p>
        </Item>
      ))}
    </Section>
  );
}
