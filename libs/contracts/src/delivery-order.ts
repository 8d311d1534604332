// Order per conversation and delivery windows (SPEC §15). Plain TypeScript, shared by the API
// and the console.

/** What a dead-lettered predecessor does to its ordering key: release it, or keep it blocked. */
export const ORDERING_DEAD_LETTER_POLICIES = ['continue', 'block'] as const;
export type OrderingDeadLetterPolicy = (typeof ORDERING_DEAD_LETTER_POLICIES)[number];

/**
 * When attempts may start, in a time zone: on `days` (ISO weekdays, 1 = Monday; null: every
 * day) from `from` to `to` (`HH:MM`, local time). `to` before `from` runs overnight into the
 * next day; `days` name the day a window opens.
 */
export interface DeliveryWindow {
  timezone: string;
  days: number[] | null;
  from: string;
  to: string;
}

/** The trigger fields of §15's delivery order; every one off by default. */
export interface DeliveryOrderSettings {
  /** Payload path of the ordering key (e.g. `to`, `data.key.remoteJid`); null: no ordering. */
  orderingKeyPath: string | null;
  orderingOnDeadLetter: OrderingDeadLetterPolicy;
  deliveryWindow: DeliveryWindow | null;
  /** No attempt before acceptance + this; null: none. */
  delayMs: number | null;
}

export const MAX_DELAY_MS = 7 * 24 * 3_600_000;

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64) {
    return false;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Why `value` is not a delivery window, or null when it is one. */
export function deliveryWindowProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'deliveryWindow must be { timezone, days?, from, to }';
  }
  const { timezone, days, from, to, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) {
    return `deliveryWindow has unknown fields: ${Object.keys(rest).join(', ')}`;
  }
  if (!isTimeZone(timezone)) {
    return 'deliveryWindow.timezone must be an IANA time zone, e.g. America/Sao_Paulo';
  }
  if (
    days !== undefined &&
    days !== null &&
    (!Array.isArray(days) ||
      days.length === 0 ||
      days.some((day) => !Number.isInteger(day) || day < 1 || day > 7))
  ) {
    return 'deliveryWindow.days must be ISO weekdays from 1 (Monday) to 7 (Sunday)';
  }
  for (const [name, time] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (typeof time !== 'string' || !HH_MM.test(time)) {
      return `deliveryWindow.${name} must be a time HH:MM, from 00:00 to 23:59`;
    }
  }
  if (from === to) {
    return 'deliveryWindow.from and deliveryWindow.to must differ';
  }
  return null;
}
