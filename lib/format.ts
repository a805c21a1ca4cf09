import { jakartaDate, jakartaOffsetMs } from "./jakarta";

/** How the finance team reads dates: in Asia/Jakarta, the id-ID way (docs/limits.md#the-limits). */

const date = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", day: "2-digit", month: "short", year: "numeric" });
const time = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", hour: "2-digit", minute: "2-digit", hour12: false });
const timeWithSeconds = new Intl.DateTimeFormat("id-ID", {
  timeZone: "Asia/Jakarta",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});


const number = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 0 });
const dayMs = 24 * 60 * 60 * 1000;

/** Whole numbers with id-ID thousand separators: 1.234.567. */
export function formatNumber(value: number): string {
  return number.format(value);
}

/** `Rp 10.000`, the way finance staff read amounts. */
export function formatRupiah(rupiah: number): string {
  return `Rp ${number.format(rupiah)}`;
}

export function formatDate(value: Date): string {
  return date.format(value);
}

export function formatTime(value: Date): string {
  return `${time.format(value)} WIB`;
}

/**
 * A time near `now`, the way a person says it: `14.02 WIB` on the same Jakarta day, `14.02 WIB tomorrow`,
 * `14.02 WIB yesterday`, otherwise with its date.
 */
export function formatTimeNear(value: Date, now: Date): string {
  const days = Math.round((Date.parse(jakartaDate(value)) - Date.parse(jakartaDate(now))) / dayMs);
  if (days === 0) return formatTime(value);
  if (days === 1) return `${formatTime(value)} tomorrow`;
  if (days === -1) return `${formatTime(value)} yesterday`;
  return formatDateTime(value);
}

/** `31 Jan 2025 23.30 WIB`; with seconds for timelines, where calls land within the same minute. */
export function formatDateTime(value: Date, options: { seconds?: boolean } = {}): string {
  return `${date.format(value)} ${(options.seconds ? timeWithSeconds : time).format(value)} WIB`;
}

/** `2025-01-31 23:30:05` in Jakarta time: sorts as text and spreadsheets read it as a date. */
export function formatSortableDateTime(value: Date): string {
  return formatSortableEpochMs(value.getTime());
}

const twoDigits = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, "0"));
/** The last Jakarta day formatted: an export's rows come in date order, so most share the previous row's day. */
const lastDay = { index: NaN, text: "" };
const firstInstantOfYear10000 = Date.UTC(10_000, 0, 1);

/**
 * `formatSortableDateTime` of epoch milliseconds, as SQLite stores instants: a CSV export formats up to
 * four per row, and this one builds no Date for the time of day.
 */
export function formatSortableEpochMs(epochMs: number): string {
  const local = epochMs + jakartaOffsetMs;
  // Outside years 0000–9999 (and for no instant at all) toISOString writes its own shapes.
  if (!(local >= 0 && local < firstInstantOfYear10000)) return new Date(local).toISOString().slice(0, 19).replace("T", " ");
  const day = Math.floor(local / dayMs);
  if (day !== lastDay.index) {
    lastDay.text = new Date(day * dayMs).toISOString().slice(0, 10);
    lastDay.index = day;
  }
  const seconds = Math.floor((local - day * dayMs) / 1000);
  return `${lastDay.text} ${twoDigits[Math.floor(seconds / 3600)]}:${twoDigits[Math.floor(seconds / 60) % 60]}:${twoDigits[seconds % 60]}`;
}
