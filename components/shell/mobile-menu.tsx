"use client";

import { Menu, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { Dialog as DialogPrimitive } from "radix-ui";
import { useState, type ReactNode } from "react";
import type { Role } from "@/lib/users/schemas";
import { useBadges } from "@/components/notifications/badges";
import { SidebarNav } from "./sidebar-nav";

/** Below `md`: the navigation in a drawer from the left, opened from the top bar; following a link closes it. */
export function MobileMenu({ role, footer }: { role: Role; footer: ReactNode }) {
  const t = useTranslations("shell");
  const notifications = useTranslations("notifications");
  const [open, setOpen] = useState(false);
  // The drawer hides the navigation's badges: the button carries their sum.
  const badges = useBadges();
  const waiting = (badges.approvals?.count ?? 0) + (badges.attention?.count ?? 0);
  return (
    <DialogPrimitive.Root open={open} onOpenChange={setOpen}>
      <DialogPrimitive.Trigger
        className="relative flex size-11 items-center justify-center rounded-md text-ink hover:bg-canvas"
        aria-label={waiting > 0 ? `${t("openMenu")}, ${notifications("badge", { count: waiting })}` : t("openMenu")}
      >
        <Menu aria-hidden className="size-5" />
        {waiting > 0 ? (
          <span aria-hidden data-testid="menu-count" className="absolute top-1 right-0.5 inline-flex min-w-4 items-center justify-center rounded-full bg-warn px-1 text-[0.625rem] leading-4 font-semibold text-white">
            {waiting > 99 ? "99+" : waiting}
          </span>
        ) : null}
      </DialogPrimitive.Trigger>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="fixed inset-0 z-40 bg-ink/30" />
        <DialogPrimitive.Content
          aria-describedby={undefined}
          className="fixed inset-y-0 left-0 z-50 flex w-[min(18rem,85vw)] flex-col border-r border-line bg-surface shadow-xl"
        >
          <div className="flex h-14 items-center justify-between border-b border-line px-4">
            <DialogPrimitive.Title className="text-sm font-semibold">{t("menu")}</DialogPrimitive.Title>
            <DialogPrimitive.Close className="flex size-11 items-center justify-center rounded-md text-ink-muted hover:bg-canvas hover:text-ink" aria-label={t("closeMenu")}>
              <X aria-hidden className="size-5" />
            </DialogPrimitive.Close>
          </div>
          <div className="flex-1 overflow-y-auto p-3">
            <SidebarNav role={role} onNavigate={() => setOpen(false)} />
          </div>
          <div className="border-t border-line p-3">{footer}</div>
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  );
}
