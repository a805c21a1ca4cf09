import { useTranslations } from "next-intl";
import Link from "next/link";
import { useFormat } from "@/components/i18n/use-format";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import type { FailedSignInGroup } from "@/lib/auth/sign-in-attempts";

const keyOf = (group: FailedSignInGroup) => `${group.minute.getTime()} ${group.email} ${group.ip}`;
const hrefOf = (group: FailedSignInGroup) => `/admin/sign-ins?${new URLSearchParams({ email: group.email })}`;

/**
 * Failed and refused sign-ins, one row per e-mail, address and minute, each e-mail a link to its own list:
 * cards on phones, the table from md up.
 */
export function FailedSignInsTable({ groups }: { groups: FailedSignInGroup[] }) {
  const t = useTranslations("signIns");
  const format = useFormat();
  return (
    <>
      <ul className="flex flex-col gap-2 md:hidden" aria-label={t("tableLabel")}>
        {groups.map((group) => (
          <li key={keyOf(group)} className="rounded-lg border border-line bg-surface p-3 text-sm">
            <Link href={hrefOf(group)} className="font-medium break-all text-brand hover:underline">
              {group.email}
            </Link>
            <p className="text-xs text-ink-muted">
              {format.dateTime(group.minute)} · <span className="font-mono break-all">{group.ip}</span>
            </p>
            <dl className="mt-1 flex flex-wrap gap-x-4 text-xs">
              <div className="flex gap-1">
                <dt className="text-ink-muted">{t("wrongPassword")}</dt>
                <dd className="font-medium tabular-nums">{format.number(group.failures)}</dd>
              </div>
              <div className="flex gap-1">
                <dt className="text-ink-muted">{t("refused")}</dt>
                <dd className="font-medium tabular-nums">{format.number(group.throttled)}</dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>
      <div className="hidden md:block">
        <Table aria-label={t("tableLabel")}>
          <THead>
            <tr>
              <TH>{t("minute")}</TH>
              <TH>{t("email")}</TH>
              <TH>{t("from")}</TH>
              <TH className="text-right">{t("wrongPassword")}</TH>
              <TH className="text-right">{t("refused")}</TH>
            </tr>
          </THead>
          <TBody>
            {groups.map((group) => (
              <TR key={keyOf(group)}>
                <TD className="whitespace-nowrap text-ink-muted">{format.dateTime(group.minute)}</TD>
                <TD className="whitespace-nowrap">
                  <Link href={hrefOf(group)} className="text-brand hover:underline">
                    {group.email}
                  </Link>
                </TD>
                <TD className="font-mono text-xs whitespace-nowrap text-ink-muted">{group.ip}</TD>
                <TD className="text-right tabular-nums">{group.failures}</TD>
                <TD className="text-right tabular-nums">{group.throttled}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      </div>
    </>
  );
}
