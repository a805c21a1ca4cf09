"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import type { Badges } from "@/lib/notifications/badges";

/**
 * The navigation's live badges (docs/notifications.md#in-the-app): one poll of /api/badges per browser tab
 * every `intervalMs` while the tab is visible, and at once when it comes back into view. The poll does not
 * keep the session alive (the proxy leaves that route alone), and stops after a 401.
 */

const BadgesContext = createContext<Badges>({});

export const badgePollMs = 10_000;

export function BadgesProvider({ initial, intervalMs = badgePollMs, children }: { initial: Badges; intervalMs?: number; children: ReactNode }) {
  const [badges, setBadges] = useState<Badges>(initial);
  // Staff have no badge: nothing to ask for.
  const polls = Object.keys(initial).length > 0;
  useEffect(() => {
    if (!polls) return;
    let stopped = false;
    let inFlight = false;
    const poll = async () => {
      if (stopped || inFlight || document.visibilityState !== "visible") return;
      inFlight = true;
      try {
        const response = await fetch("/api/badges", { cache: "no-store", headers: { Accept: "application/json" } });
        if (response.status === 401) stopped = true;
        else if (response.ok) setBadges((await response.json()) as Badges);
      } catch {
        // Offline for a moment: the next poll tries again.
      } finally {
        inFlight = false;
      }
    };
    const timer = setInterval(poll, intervalMs);
    const onVisible = () => void poll();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [intervalMs, polls]);
  return <BadgesContext.Provider value={badges}>{children}</BadgesContext.Provider>;
}

export function useBadges(): Badges {
  return useContext(BadgesContext);
}

/** The count beside a navigation entry; read out with the entry's name ("Approvals, 3 wait for you"). */
export function NavCount({ count, testId }: { count: number; testId: string }) {
  const t = useTranslations("notifications");
  if (count <= 0) return null;
  return (
    <span className="ml-auto inline-flex min-w-5 items-center justify-center rounded-full bg-warn px-1.5 text-xs font-semibold text-white" data-testid={testId}>
      <span aria-hidden>{count > 99 ? "99+" : count}</span>
      <span className="sr-only">{t("badge", { count })}</span>
    </span>
  );
}

/** How long without a key, click or touch before the approvals page stops refreshing itself. */
export const idleAfterMs = 20 * 60_000;

/**
 * On the approvals page: when the queue changed since the page was drawn (the badge's version moved), the page
 * fetches its rows again, keeping what the manager has open, and says so to screen readers. Such a refresh is a
 * request through the proxy, which gives the session a fresh 30 minutes: so after 20 minutes without a key,
 * click or touch it only offers a button, and an unattended browser still signs out when the session idles out.
 */
export function RefreshWhenQueueChanges({ version }: { version: string }) {
  const router = useRouter();
  const t = useTranslations("notifications");
  const live = useBadges().approvals?.version;
  const [announce, setAnnounce] = useState("");
  const [stale, setStale] = useState(false);
  const refreshedFor = useRef(version);
  const lastActivity = useRef(0);
  useEffect(() => {
    lastActivity.current = Date.now();
    const seen = () => (lastActivity.current = Date.now());
    const events = ["pointerdown", "keydown", "touchstart"] as const;
    for (const event of events) window.addEventListener(event, seen, { passive: true });
    return () => {
      for (const event of events) window.removeEventListener(event, seen);
    };
  }, []);
  useEffect(() => {
    if (!live || live === version || live === refreshedFor.current) return;
    refreshedFor.current = live;
    if (Date.now() - lastActivity.current > idleAfterMs) {
      setStale(true);
      return;
    }
    router.refresh();
    setAnnounce((current) => (current === t("refreshed") ? `${t("refreshed")}\u00a0` : t("refreshed")));
  }, [live, version, router, t]);
  return (
    <>
      <p aria-live="polite" className="sr-only" data-testid="queue-refreshed">
        {announce}
      </p>
      {stale ? (
        <div role="status" className="mb-4 flex flex-wrap items-center gap-3 rounded-lg border border-info/30 bg-info-soft p-3 text-sm">
          <span>{t("stale")}</span>
          <Button
            type="button"
            size="sm"
            variant="secondary"
            onClick={() => {
              setStale(false);
              router.refresh();
            }}
          >
            {t("refresh")}
          </Button>
        </div>
      ) : null}
    </>
  );
}
