import Link from "next/link";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import type { FailedSignInGroup } from "@/lib/auth/sign-in-attempts";
import { formatDateTime } from "@/lib/format";

/** Failed and refused sign-ins, one row per e-mail, address and minute, each e-mail a link to its own list. */
export function FailedSignInsTable({ groups }: { groups: FailedSignInGroup[] }) {
  return (
    <Table aria-label="Failed sign-ins">
      <THead>
        <tr>
          <TH>Minute (WIB)</TH>
          <TH>E-mail</TH>
          <TH>From</TH>
          <TH className="text-right">Wrong password</TH>
          <TH className="text-right">Refused (waiting)</TH>
        </tr>
      </THead>
      <TBody>
        {groups.map((group) => (
          <TR key={`${group.minute.getTime()} ${group.email} ${group.ip}`}>
            <TD className="whitespace-nowrap text-ink-muted">{formatDateTime(group.minute)}</TD>
            <TD className="whitespace-nowrap">
              <Link href={`/admin/sign-ins?${new URLSearchParams({ email: group.email })}`} className="text-brand hover:underline">
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
  );
}
