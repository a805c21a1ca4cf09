import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { formatNumber } from "@/lib/format";

/** One section of Needs attention: a heading with how many, a hint of what to do, and its items. */
export function Section({ title, count, hint, children }: { title: string; count: number; hint: string; children: ReactNode }) {
  const id = `section-${title.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <section aria-labelledby={id} className="mb-6">
      <h2 id={id} className="mb-1 flex items-center gap-2 text-base font-semibold">
        {title} <Badge tone="warn">{formatNumber(count)}</Badge>
      </h2>
      <p className="mb-2 text-xs text-ink-muted">{hint}</p>
      <ul className="flex flex-col gap-2">{children}</ul>
    </section>
  );
}

export function Item({ testId, children }: { testId: string; children: ReactNode }) {
  return (
    <li className="rounded-lg border border-line bg-surface px-4 py-3" data-testid={testId}>
      {children}
    </li>
  );
}
