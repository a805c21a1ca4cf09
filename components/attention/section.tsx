import type { ReactNode } from "react";
import { useFormat } from "@/components/i18n/use-format";
import { Badge } from "@/components/ui/badge";

/** One section of Needs attention: a heading with how many, a hint of what to do, and its items. */
export function Section({ id, title, count, hint, children }: { id: string; title: string; count: number; hint: string; children: ReactNode }) {
  const format = useFormat();
  const headingId = `section-${id}`;
  return (
    <section aria-labelledby={headingId} className="mb-6">
      <h2 id={headingId} className="mb-1 flex flex-wrap items-center gap-2 text-base font-semibold">
        {title} <Badge tone="warn">{format.number(count)}</Badge>
      </h2>
      <p className="mb-2 text-xs text-ink-muted">{hint}</p>
      <ul className="flex flex-col gap-2">{children}</ul>
    </section>
  );
}

export function Item({ testId, children }: { testId: string; children: ReactNode }) {
  return (
    <li className="min-w-0 rounded-lg border border-line bg-surface px-3 py-3 sm:px-4" data-testid={testId}>
      {children}
    </li>
  );
}
