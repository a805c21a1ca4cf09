/** How the finance team reads dates: in Asia/Jakarta, the id-ID way (SPEC §3.3). */

const date = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", day: "2-digit", month: "short", year: "numeric" });
const time = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", hour: "2-digit", minute: "2-digit", hour12: false });

export function formatDate(value: Date): string {
  return date.format(value);
}

export function formatTime(value: Date): string {
  return `${time.format(value)} WIB`;
}
