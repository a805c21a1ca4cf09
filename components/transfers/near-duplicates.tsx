import { TriangleAlert } from "lucide-react";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useFormat } from "@/components/i18n/use-format";
import type { NearDuplicate } from "@/lib/transfers/duplicates";

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
  const t = useTranslations("transfers.nearDuplicates");
  const status = useTranslations("transferStatus");
  const format = useFormat();
  return (
    <div className="rounded-md border border-warn/40 bg-warn-soft p-3 text-sm" data-testid="near-duplicates">
      <p className="flex items-center gap-1.5 font-semibold text-warn">
        <TriangleAlert aria-hidden className="size-4" />
        {t("title")}
      </p>
      <p className="mt-1 text-ink">{t("intro", { count: duplicates.length })}</p>
      <ul className="mt-1 flex flex-col gap-0.5">
        {duplicates.map((d) => (
          <li key={d.id} className="break-words">
            <Link href={`/transfers/${d.id}`} target="_blank" className="font-mono text-xs break-all text-brand hover:underline">
              {d.reference}
            </Link>{" "}
            <span className="text-xs text-ink-muted">
              {status(`${d.status}.label`)} · {d.makerName} · {format.dateTime(d.createdAt)}
              {d.batchId !== null ? ` · ${t("batchPayout")}` : ""}
            </span>
          </li>
        ))}
      </ul>
      <label className="mt-3 flex cursor-pointer items-start gap-2 font-medium">
        <input type="checkbox" className="mt-0.5 size-4 shrink-0" checked={checked} onChange={(event) => onCheckedChange(event.target.checked)} />
        {label}
      </label>
    </div>
  );
}
