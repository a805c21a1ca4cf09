import { useTranslations } from "next-intl";
import { Skeleton } from "@/components/ui/skeleton";

/** The dashboard while its figures are read: the cards' outlines, announced once as "Loading…". */
export function DashboardSkeleton() {
  const t = useTranslations("common");
  return (
    <div role="status" aria-live="polite" aria-busy="true" className="mt-8" data-testid="dashboard-skeleton">
      <span className="sr-only">{t("loading")}</span>
      <Skeleton className="mb-2 h-5 w-32" />
      <Skeleton className="mb-4 h-4 w-64 max-w-full" />
      <div className="grid grid-cols-1 gap-3 lg:grid-cols-2">
        <Skeleton className="h-72 lg:col-span-2" />
        <Skeleton className="h-56" />
        <Skeleton className="h-56" />
      </div>
    </div>
  );
}
