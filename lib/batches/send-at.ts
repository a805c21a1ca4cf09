import { calendarDayFromText, jakartaDayStart } from "@/lib/jakarta";

/**
 * A scheduled batch's time as people type it (docs/batches.md#scheduled-batches): a day `dd/mm/yyyy` (the date fields'
 * ways, lib/jakarta.ts) and a time `HH.MM` or `HH:MM` in Western Indonesia Time. Client-safe: the submit dialog and
 * the server read it alike; whether the time is in the allowed range is the server's to say, with its own clock.
 */

/** The earliest a schedule may be is now minus this: a time typed for "now" and sent a few seconds later is still accepted. */
export const scheduleSlackMs = 60_000;
/** The latest a schedule may be: this long after now. */
export const scheduleHorizonMs = 30 * 24 * 60 * 60_000;

/** `HH.MM` / `HH:MM` (also `H.MM`, `HHMM`) → minutes after midnight, or undefined. */
export function minutesFromText(value: string): number | undefined {
  const typed = /^(\d{1,2})[.:](\d{2})$/.exec(value.trim()) ?? /^(\d{2})(\d{2})$/.exec(value.trim());
  if (!typed) return undefined;
  const [hours, minutes] = [Number(typed[1]), Number(typed[2])];
  return hours <= 23 && minutes <= 59 ? hours * 60 + minutes : undefined;
}

/** The instant a typed Jakarta day and time stand for, or which part is wrong. */
export function sendAtFromText(day: string, time: string): { at: Date } | { wrong: "day" | "time" } {
  const calendar = calendarDayFromText(day);
  if (!calendar) return { wrong: "day" };
  const minutes = minutesFromText(time);
  if (minutes === undefined) return { wrong: "time" };
  return { at: new Date(jakartaDayStart(calendar).getTime() + minutes * 60_000) };
}

/** Whether `at` is a time a batch may be scheduled for, seen at `now`: not in the past (a minute of slack), at most 30 days ahead. */
export function scheduleRange(at: Date, now: Date): "past" | "tooFar" | null {
  if (at.getTime() < now.getTime() - scheduleSlackMs) return "past";
  if (at.getTime() > now.getTime() + scheduleHorizonMs) return "tooFar";
  return null;
}
