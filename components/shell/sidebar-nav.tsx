"use client";

import { Banknote, KeySquare, Layers, Network, BookUser, CheckCheck, CircleUser, FileSpreadsheet, History, KeyRound, LayoutDashboard, Mail, ScrollText, SendHorizontal, SlidersHorizontal, TriangleAlert, Users, Webhook } from "lucide-react";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { Role } from "@/lib/users/schemas";
import { cn } from "@/lib/cn";
import { NavCount, useBadges } from "@/components/notifications/badges";
import { activeHref, navigationFor, type NavIcon } from "./navigation";

const icons: Record<NavIcon, typeof Users> = {
  overview: LayoutDashboard,
  send: SendHorizontal,
  recipients: BookUser,
  batches: FileSpreadsheet,
  history: History,
  approvals: CheckCheck,
  attention: TriangleAlert,
  users: Users,
  limits: SlidersHorizontal,
  tiers: Layers,
  audit: ScrollText,
  signIns: KeyRound,
  account: CircleUser,
  mail: Mail,
  signInAddresses: Network,
  sending: Banknote,
  apiKeys: KeySquare,
  webhooks: Webhook,
};

/** `onNavigate` closes the phone drawer when a link is followed. */
export function SidebarNav({ role, onNavigate }: { role: Role; onNavigate?: () => void }) {
  const t = useTranslations();
  const current = activeHref(usePathname());
  const badges = useBadges();
  const counts: Partial<Record<NavIcon, number>> = { approvals: badges.approvals?.count, attention: badges.attention?.count };
  return (
    <nav aria-label={t("shell.mainNavigation")} className="flex flex-col gap-0.5">
      {navigationFor(role).map((item) => {
        const active = item.href === current;
        const Icon = icons[item.icon];
        return (
          <Link
            key={item.href}
            href={item.href}
            onClick={onNavigate}
            aria-current={active ? "page" : undefined}
            className={cn(
              "flex h-10 items-center gap-2 rounded-md px-2.5 text-sm text-ink-muted hover:bg-canvas hover:text-ink md:h-8",
              active && "bg-brand-soft font-medium text-brand-strong hover:bg-brand-soft hover:text-brand-strong",
            )}
          >
            <Icon aria-hidden className="size-4" />
            {t(`nav.${item.icon}`)}
            <NavCount count={counts[item.icon] ?? 0} testId={`nav-count-${item.icon}`} />
          </Link>
        );
      })}
    </nav>
  );
}
