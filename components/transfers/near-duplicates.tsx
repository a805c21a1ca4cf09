import { TriangleAlert } from "lucide-react";
import Link from "next/link";
import type { NearDuplicate } from "@/lib/transfers/duplicates";
import { formatDateTime } from "@/lib/format";
import { statusInfo } from "@/lib/transfers/status";

/**
 * The earlier transfers a new one may repeat (docs/lifecycle.md#paying-twice-is-impossible), each a link to its page, and the tick that
 * says it is a separate payment: the maker's at review, the approver's in the queue.
 */
export function NearDuplicates({
  duplicates,
  checked,
  onCheckedChange,
  label,
}: {
  duplicates: readonly NearDuplicate[];
  checked: boolean;
  onCheckedChange: (checked: boolean) => void;
  label: string;
}) {
  return (
    <div className="rounded-md border border-warn/40 bg-warn-soft p-3 text-sm" data-testid="near-duplicates">
      <p className="flex items-center gap-1.5 font-semibold text-warn">
        <TriangleAlert aria-hidden className="size-4" />
        Possible duplicate
      </p>
      <p className="mt-1 text-ink">
        {duplicates.length === 1 ? "Another recent transfer has" : "Other recent transfers have"} the same e-wallet, phone and amount:
      </p>
      <ul className="mt-1 flex flex-col gap-0.5">
        {duplicates.map((d) => (
          <li key={d.id}>
            <Link href={`/transfers/${d.id}`} target="_blank" className="font-mono text-xs text-brand hover:underline">
              {d.reference}
            </Link>{" "}
            <span className="text-xs text-ink-muted">
              {statusInfo[d.status].label} · {d.makerName} · {formatDateTime(d.createdAt)}
              {d.batchId !== null ? " · batch payout" : ""}
            </span>
          </li>
        ))}
      </ul>
      <label className="mt-2 flex items-start gap-2 font-medium">
        <input type="checkbox" className="mt-0.5 size-4 shrink-0" checked={checked} onChange={(event) => onCheckedChange(event.target.checked)} />
        {label}
      </label>
    </div>
  );
}
