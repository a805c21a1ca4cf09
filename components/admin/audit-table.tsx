import Link from "next/link";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import type { AuditRow } from "@/lib/audit/queries";
import { formatDateTime } from "@/lib/format";

function targetHref(row: AuditRow): string | undefined {
  if (row.targetType === "transfer" && row.targetId) return `/transfers/${row.targetId}`;
  return undefined;
}

function change(row: AuditRow): string {
  const show = (value: unknown) => (value == null ? "" : JSON.stringify(value));
  const before = show(row.before);
  const after = show(row.after);
  if (before && after) return `${before} → ${after}`;
  return before || after;
}

export function AuditTable({ rows }: { rows: AuditRow[] }) {
  return (
    <Table aria-label="Audit entries">
      <THead>
        <tr>
          <TH>Time (WIB)</TH>
          <TH>Actor</TH>
          <TH>Action</TH>
          <TH>Target</TH>
          <TH>Change</TH>
          <TH>From</TH>
        </tr>
      </THead>
      <TBody>
        {rows.map((row) => {
          const href = targetHref(row);
          const target = `${row.targetType}${row.targetId ? ` ${row.targetId}` : ""}`;
          return (
            <TR key={row.id}>
              <TD className="whitespace-nowrap text-ink-muted">{formatDateTime(row.at, { seconds: true })}</TD>
              <TD className="whitespace-nowrap">{row.actorName ?? row.actorEmail ?? <span className="text-ink-muted">system</span>}</TD>
              <TD className="font-mono text-xs whitespace-nowrap">{row.action}</TD>
              <TD className="whitespace-nowrap">
                {href ? (
                  <Link href={href} className="text-brand hover:underline">
                    {target}
                  </Link>
                ) : (
                  target
                )}
              </TD>
              <TD className="max-w-64 truncate font-mono text-xs text-ink-muted" title={change(row)}>
                {change(row)}
              </TD>
              <TD className="font-mono text-xs whitespace-nowrap text-ink-muted">{row.ip}</TD>
            </TR>
          );
        })}
      </TBody>
    </Table>
  );
}
