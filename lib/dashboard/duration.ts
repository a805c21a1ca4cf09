/**
 * A duration as people read it on the dashboard: seconds under a minute, minutes and seconds under an
 * hour, else hours and minutes (each rounded to the nearest unit shown).
 */
export type DurationWords =
  | { unit: "seconds"; seconds: number }
  | { unit: "minutes"; minutes: number; seconds: number }
  | { unit: "hours"; hours: number; minutes: number };

export function durationWords(ms: number): DurationWords {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return { unit: "seconds", seconds };
  if (seconds < 3600) return { unit: "minutes", minutes: Math.floor(seconds / 60), seconds: seconds % 60 };
  const minutes = Math.round(ms / 60_000);
  return { unit: "hours", hours: Math.floor(minutes / 60), minutes: minutes % 60 };
}
