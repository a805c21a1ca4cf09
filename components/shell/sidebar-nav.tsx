"use client";

import { CheckCheck, CircleUser, FileSpreadsheet, History, KeyRound, LayoutDashboard, ScrollText, SendHorizontal, SlidersHorizontal, TriangleAlert, Users } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { Role } from "@/lib/users/schemas";
import { cn } from "@/lib/cn";
import { activeHref, navigationFor, type NavIcon } from "./navigation";

const icons: Record<NavIcon, typeof Users> = {
  overview: LayoutDashboard,
  send: SendHorizontal,
  batches: FileSpreadsheet,
  history: History,
  approvals: CheckCheck,
  attention: TriangleAlert,
  users: Users,
  limits: SlidersHorizontal,
  audit: ScrollText,
  signIns: KeyRound,
  account: CircleUser,
};

export function SidebarNav({ role }: { role: Role }) {
  const current = activeHref(usePathname());
  return (
    <nav aria-label="Main" className="flex flex-col gap-0.5">
      {navigationFor(role).map((item) => {
        const active = item.href === current;
        const Icon = icons[item.icon];
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "flex h-8 items-center gap-2 rounded-md px-2.5 text-sm text-ink-muted hover:bg-canvas hover:text-ink",
              active && "bg-brand-soft font-medium text-brand-strong hover:bg-brand-soft hover:text-brand-strong",
            )}
          >
            <Icon aria-hidden className="size-4" />
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
