import type { Db } from "@/db/client";
import { dashboardFigures, type DashboardFigures } from "./figures";
import type { DashboardRange } from "./range";

/**
 * The dashboard's figures, read at most once a minute per range and shared by everyone who opens the overview
 * (docs/dashboard.md#freshness): at a million transfers they take a second or two to read, and the overview is
 * every person's first page. Figures older than the minute are still shown while they are read again in the
 * background (stale while revalidating), for up to `staleLimitMs`: so only the first visitor of a range not read
 * in that time waits, together with whoever arrives during that one reading. The figures say when they were read.
 */

export type CachedFigures = { computedAt: Date; figures: DashboardFigures };

const holderKey = Symbol.for("cashin-payouts.dashboard-cache");
const holder = globalThis as unknown as Record<symbol, { entries: Map<string, CachedFigures>; reading: Map<string, Promise<CachedFigures>> } | undefined>;
const cache = (holder[holderKey] ??= { entries: new Map(), reading: new Map() });

/** Ranges kept at once: the default one and those people chose lately. */
const kept = 20;
/** Figures older than this are never shown: the visitor waits for a new reading. */
export const staleLimitMs = 15 * 60_000;

type Options = {
  now?: Date;
  maxAgeMs: number;
  /** How to read the figures (the app: in a worker thread); on this thread when absent or when it fails. */
  read?: (range: DashboardRange) => Promise<DashboardFigures>;
};

const keyOf = (range: DashboardRange) => `${range.from}/${range.to}`;

export async function cachedDashboardFigures(db: Db, range: DashboardRange, options: Options): Promise<CachedFigures> {
  const atHand = dashboardFiguresAtHand(db, range, options);
  if (atHand) return atHand;
  const key = keyOf(range);
  const already = options.maxAgeMs > 0 ? cache.reading.get(key) : undefined;
  if (already) return already;
  return readInto(db, key, range, options.now ?? new Date(), options.read);
}

/**
 * The figures that can be shown at once, without waiting: read within the minute, or older but within `staleLimitMs`
 * (then read again in the background). Null when the visitor must wait for a reading: the overview then streams the
 * dashboard after the rest of the page, and renders it with the page otherwise.
 */
export function dashboardFiguresAtHand(db: Db, range: DashboardRange, { now = new Date(), maxAgeMs, read }: Options): CachedFigures | null {
  const key = keyOf(range);
  const found = cache.entries.get(key);
  const age = found ? now.getTime() - found.computedAt.getTime() : Infinity;
  if (found && maxAgeMs > 0 && age >= 0 && age < maxAgeMs) return found;
  if (found && maxAgeMs > 0 && age >= 0 && age < Math.max(maxAgeMs, staleLimitMs)) {
    // Shown as they are (with their time), and read again for the next visitor; a failed reading leaves them.
    if (!cache.reading.has(key)) readInto(db, key, range, now, read).catch(() => undefined);
    return found;
  }
  return null;
}

/** One reading of a range's figures, shared by whoever asks for that range meanwhile, kept for the next visitors. */
async function readInto(db: Db, key: string, range: DashboardRange, now: Date, read: Options["read"]): Promise<CachedFigures> {
  const reading = (async () => {
    let figures: DashboardFigures;
    try {
      figures = read ? await read(range) : await dashboardFigures(db, range);
    } catch {
      figures = await dashboardFigures(db, range);
    }
    const entry = { computedAt: now, figures };
    cache.entries.delete(key);
    cache.entries.set(key, entry);
    for (const oldest of cache.entries.keys()) {
      if (cache.entries.size <= kept) break;
      cache.entries.delete(oldest);
    }
    return entry;
  })();
  cache.reading.set(key, reading);
  try {
    return await reading;
  } finally {
    if (cache.reading.get(key) === reading) cache.reading.delete(key);
  }
}

/** Forgets every cached figure (tests). */
export function clearDashboardCache(): void {
  cache.entries.clear();
  cache.reading.clear();
}
