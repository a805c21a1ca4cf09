"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { controlClass } from "@/components/ui/input";
import { cn } from "@/lib/cn";

/** Rows per page; each choice is a link to the same view with that page size, from its first page. */
export function PageSizeSelect({ options, value }: { options: { size: number; href: string }[]; value: number }) {
  const t = useTranslations("history.pagination");
  const router = useRouter();
  return (
    <label className="flex items-center gap-2 text-xs text-ink-muted">
      {t("rowsPerPage")}
      <select
        className={cn(controlClass, "h-8 w-auto py-0 pr-7 text-xs")}
        value={value}
        onChange={(e) => {
          const option = options.find((o) => o.size === Number(e.currentTarget.value));
          if (option) router.push(option.href);
        }}
      >
        {options.map((o) => (
          <option key={o.size} value={o.size}>
            {o.size}
          </option>
        ))}
      </select>
    </label>
  );
}
