import type { Db } from "@/db/client";
import { dashboardFigures, type DashboardFigures } from "./figures";
import type { DashboardRange } from "./range";

/**
 * The dashboard's figures, computed at most once a minute per range and shared by everyone who opens the
 * overview (docs/dashboard.md#freshness): at a million transfers they take over a second to read, and the
 * overview is every person's first page. The figures say when they were computed.
 */

type Entry = { computedAt: Date; figures: DashboardFigures };

const holderKey = Symbol.for("cashin-payouts.dashboard-cache");
const holder = globalThis as unknown as Record<symbol, Map<string, Entry> | undefined>;
const entries = (holder[holderKey] ??= new Map<string, Entry>());

/** Ranges kept at once: the default one and those people chose lately. */
const kept = 20;

export function cachedDashboardFigures(db: Db, range: DashboardRange, { now = new Date(), maxAgeMs }: { now?: Date; maxAgeMs: number }): Entry {
  const key = `${range.from}/${range.to}`;
  const found = entries.get(key);
  if (found && maxAgeMs > 0 && now.getTime() - found.computedAt.getTime() < maxAgeMs && found.computedAt.getTime() <= now.getTime()) return found;
  const entry = { computedAt: now, figures: dashboardFigures(db, range) };
  entries.delete(key);
  entries.set(key, entry);
  for (const oldest of entries.keys()) {
    if (entries.size <= kept) break;
    entries.delete(oldest);
  }
  return entry;
}

/** Forgets every cached figure (tests). */
export function clearDashboardCache(): void {
  entries.clear();
}
