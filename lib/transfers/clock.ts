/** Jakarta has no daylight saving: its day starts at 17:00 UTC the day before. */
const jakartaOffsetMs = 7 * 60 * 60 * 1000;
const dayMs = 24 * 60 * 60 * 1000;

export function startOfJakartaDay(at: Date): Date {
  return new Date(Math.floor((at.getTime() + jakartaOffsetMs) / dayMs) * dayMs - jakartaOffsetMs);
}
