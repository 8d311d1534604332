import type { DeliveryWindow } from '@triggerline/contracts';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 3_600_000;

/**
 * The first instant at or after `at` (epoch ms) when the window is open: `at` itself inside
 * it, else the window's next opening in its time zone. Open means the local wall clock reads
 * a time in [from, to) on an allowed day (for an overnight window, after `from` on an allowed
 * day or before `to` on the day after one). So a daylight-saving change that skips the opening
 * time opens the window at the change, and one that turns the clock back into the window
 * opens it again.
 */
export function nextWindowOpening(window: DeliveryWindow, at: number): number {
  const zone = new ZoneClock(window.timezone);
  const isOpen = (instant: number) => isOpenAtWall(window, zone.wall(instant));
  if (isOpen(at)) {
    return at;
  }
  // The clock enters the window where it reads `from`, or where a change makes it jump.
  const today = zone.localDay(at);
  const from = minutesOf(window.from) * MINUTE_MS;
  const entries = zone.changesBetween(at, at + 9 * DAY_MS);
  for (let day = today - 1; day <= today + 8; day++) {
    entries.push(...zone.instantsReading(day * DAY_MS + from));
  }
  const opening = Math.min(...entries.filter((instant) => instant > at && isOpen(instant)));
  if (!Number.isFinite(opening)) {
    // Unreachable for a valid window: some day of any week is allowed.
    throw new RangeError('the delivery window never opens');
  }
  return opening;
}

function isOpenAtWall(window: DeliveryWindow, wall: number): boolean {
  const day = Math.floor(wall / DAY_MS);
  const minutes = Math.floor((wall - day * DAY_MS) / MINUTE_MS);
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  if (from < to) {
    return isAllowedDay(window.days, day) && minutes >= from && minutes < to;
  }
  return (
    (isAllowedDay(window.days, day) && minutes >= from) ||
    (isAllowedDay(window.days, day - 1) && minutes < to)
  );
}

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

// `day` counts local days since 1970-01-01, a Thursday (ISO weekday 4).
function isAllowedDay(days: number[] | null, day: number): boolean {
  if (days === null) {
    return true;
  }
  const isoWeekday = ((((day + 3) % 7) + 7) % 7) + 1;
  return days.includes(isoWeekday);
}

/**
 * The wall clock of one time zone, as milliseconds of a UTC calendar ("wall ms"): local
 * 2026-03-08 02:30 is Date.UTC(2026, 2, 8, 2, 30).
 */
class ZoneClock {
  private readonly format: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  wall(instant: number): number {
    const parts: Record<string, number> = {};
    for (const part of this.format.formatToParts(instant)) {
      parts[part.type] = Number(part.value);
    }
    const seconds = Date.UTC(
      parts.year,
      parts.month - 1,
      parts.day,
      parts.hour,
      parts.minute,
      parts.second,
    );
    return seconds + (((instant % 1000) + 1000) % 1000);
  }

  localDay(instant: number): number {
    return Math.floor(this.wall(instant) / DAY_MS);
  }

  /** Every instant whose local time is `wall`: none in a skipped hour, two in a repeated one. */
  instantsReading(wall: number): number[] {
    // Offsets a day either side bracket any one change around `wall`.
    const offsets = new Set([-DAY_MS, 0, DAY_MS].map((shift) => this.offset(wall + shift)));
    return [...offsets]
      .map((offset) => wall - offset)
      .filter((instant) => this.wall(instant) === wall);
  }

  /** The instants in [start, end) where the zone's offset changes (at most one a day). */
  changesBetween(start: number, end: number): number[] {
    const changes: number[] = [];
    for (let low = start; low < end; low += DAY_MS) {
      const before = this.offset(low);
      let high = low + DAY_MS;
      if (this.offset(high) === before) {
        continue;
      }
      let lowered = low;
      while (high - lowered > 1) {
        const middle = Math.floor((lowered + high) / 2);
        if (this.offset(middle) === before) {
          lowered = middle;
        } else {
          high = middle;
        }
      }
      changes.push(high);
    }
    return changes;
  }

  private offset(instant: number): number {
    return this.wall(instant) - instant;
  }
}
