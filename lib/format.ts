/** How the finance team reads dates: in Asia/Jakarta, the id-ID way (SPEC §3.3). */

const date = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", day: "2-digit", month: "short", year: "numeric" });
const time = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", hour: "2-digit", minute: "2-digit", hour12: false });
const timeWithSeconds = new Intl.DateTimeFormat("id-ID", {
  timeZone: "Asia/Jakarta",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

/** Jakarta has no daylight saving time: it is always UTC+7. */
const jakartaOffsetMs = 7 * 60 * 60 * 1000;

const number = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 0 });

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

/** `31 Jan 2025 23.30 WIB`; with seconds for timelines, where calls land within the same minute. */
export function formatDateTime(value: Date, options: { seconds?: boolean } = {}): string {
  return `${date.format(value)} ${(options.seconds ? timeWithSeconds : time).format(value)} WIB`;
}

/** `2025-01-31 23:30:05` in Jakarta time: sorts as text and spreadsheets read it as a date. */
export function formatSortableDateTime(value: Date): string {
  return new Date(value.getTime() + jakartaOffsetMs).toISOString().slice(0, 19).replace("T", " ");
}
