import { ChevronLeft, ChevronRight } from "lucide-react";
import { useTranslations } from "next-intl";
import Link from "next/link";
import type { ReactNode } from "react";
import { useFormat } from "@/components/i18n/use-format";
import { buttonVariants } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import { PageSizeSelect } from "./page-size-select";

/** "Showing 26–50 of 50+", the page size, and Previous / Next (disabled at either end). */
export function HistoryPagination({
  page,
  shown,
  total,
  previousHref,
  nextHref,
  pageSizes,
  pageSize,
}: {
  page: number;
  shown: { first: number; last: number };
  total: { count: number; capped: boolean };
  previousHref?: string;
  nextHref?: string;
  pageSizes: { size: number; href: string }[];
  pageSize: number;
}) {
  const t = useTranslations("history.pagination");
  const format = useFormat();
  return (
    <nav aria-label={t("label")} className="mt-3 flex flex-wrap items-center justify-between gap-3 text-sm">
      <p className="text-ink-muted" aria-live="polite">
        {shown.last === 0
          ? t("empty")
          : t("showing", { first: format.number(shown.first), last: format.number(shown.last), total: `${format.number(total.count)}${total.capped ? "+" : ""}` })}
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <PageSizeSelect options={pageSizes} value={pageSize} />
        <div className="flex items-center gap-1">
          <PageLink href={previousHref} rel="prev">
            <ChevronLeft aria-hidden />
            {t("previous")}
          </PageLink>
          <span className="px-2 text-ink-muted tabular-nums" aria-current="page">
            {t("page", { page: format.number(page) })}
          </span>
          <PageLink href={nextHref} rel="next">
            {t("next")}
            <ChevronRight aria-hidden />
          </PageLink>
        </div>
      </div>
    </nav>
  );
}

function PageLink({ href, rel, children }: { href?: string; rel: string; children: ReactNode }) {
  const className = cn(buttonVariants({ variant: "secondary", size: "sm" }), "h-8");
  if (!href) {
    return (
      <span aria-disabled="true" className={cn(className, "pointer-events-none opacity-50")}>
        {children}
      </span>
    );
  }
  return (
    <Link href={href} rel={rel} className={className}>
      {children}
    </Link>
  );
}
