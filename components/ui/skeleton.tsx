import { useTranslations } from "next-intl";
import { cn } from "@/lib/cn";

/** A grey block where text will be. */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden className={cn("animate-pulse rounded-md bg-line", className)} />;
}

/**
 * What a data page shows while its rows load (the segments' loading.tsx): a title bar, a filter bar and
 * rows, announced once as "Loading…" to screen readers.
 */
export function PageSkeleton({ rows = 6, filters = true }: { rows?: number; filters?: boolean }) {
  const t = useTranslations("common");
  return (
    <div role="status" aria-live="polite" aria-busy="true" data-testid="page-skeleton">
      <span className="sr-only">{t("loading")}</span>
      <div className="mb-5 space-y-2">
        <Skeleton className="h-6 w-48" />
        <Skeleton className="h-4 w-72 max-w-full" />
      </div>
      {filters ? <Skeleton className="mb-4 h-10 w-full" /> : null}
      <div className="rounded-lg border border-line bg-surface">
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className="flex items-center gap-4 border-b border-line px-4 py-3 last:border-b-0">
            <Skeleton className="h-4 w-24" />
            <Skeleton className="h-4 flex-1" />
            <Skeleton className="hidden h-4 w-24 sm:block" />
          </div>
        ))}
      </div>
    </div>
  );
}
