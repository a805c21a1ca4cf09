/** How the finance team reads numbers and dates: rupiah in id-ID, times in Asia/Jakarta (SPEC §3.3). */

const rupiah = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 0 });

export function formatRupiah(amount: number): string {
  return `Rp ${rupiah.format(amount)}`;
}

const dateTime = new Intl.DateTimeFormat("id-ID", {
  timeZone: "Asia/Jakarta",
  day: "2-digit",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

const time = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", hour: "2-digit", minute: "2-digit", hour12: false });

export function formatDateTime(date: Date): string {
  return `${dateTime.format(date)} WIB`;
}

export function formatTime(date: Date): string {
  return `${time.format(date)} WIB`;
}
