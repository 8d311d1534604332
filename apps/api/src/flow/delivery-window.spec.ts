import type { DeliveryWindow } from '@triggerline/contracts';
import fc from 'fast-check';
import { nextWindowOpening } from './delivery-window';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

// The oracle: whether `instant` is inside the window, from the local wall clock alone.
function isOpen(window: DeliveryWindow, instant: number): boolean {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: window.timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  const minutes = Number(parts.hour) * 60 + Number(parts.minute);
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday) + 1;
  const yesterday = weekday === 1 ? 7 : weekday - 1;
  const allowed = (day: number) => window.days === null || window.days.includes(day);
  const [from, to] = [window.from, window.to].map((time) => {
    const [h, m] = time.split(':').map(Number);
    return h * 60 + m;
  });
  if (from < to) {
    return allowed(weekday) && minutes >= from && minutes < to;
  }
  return (allowed(weekday) && minutes >= from) || (allowed(yesterday) && minutes < to);
}

const ZONES = ['America/Sao_Paulo', 'Europe/Berlin', 'America/New_York', 'UTC', 'Asia/Kolkata'];
// Around the daylight-saving changes that matter: São Paulo's last ones (midnight changes,
// 2018-11-04 and 2019-02-17), Berlin's and New York's in 2026.
const CHANGES = [
  Date.UTC(2018, 10, 4, 3),
  Date.UTC(2019, 1, 17, 2),
  Date.UTC(2026, 2, 29, 1),
  Date.UTC(2026, 9, 25, 1),
  Date.UTC(2026, 2, 8, 7),
  Date.UTC(2026, 10, 1, 6),
];
const time = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45, 59))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const windowArb: fc.Arbitrary<DeliveryWindow> = fc
  .record({
    timezone: fc.constantFrom(...ZONES),
    days: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 })),
    from: time,
    to: time,
  })
  .filter((window) => window.from !== window.to);
const nearAChange = fc
  .tuple(fc.constantFrom(...CHANGES), fc.integer({ min: -3 * 24 * HOUR, max: 3 * 24 * HOUR }))
  .map(([change, shift]) => change + shift);

describe(nextWindowOpening.name, () => {
  const saoPaulo: DeliveryWindow = {
    timezone: 'America/Sao_Paulo',
    days: null,
    from: '08:00',
    to: '20:00',
  };

  it('answers the instant itself inside the window', () => {
    const at = Date.parse('2026-12-07T12:00:00Z'); // 09:00 in São Paulo
    expect(nextWindowOpening(saoPaulo, at)).toBe(at);
  });

  it('answers the next opening in the time zone outside it', () => {
    const at = Date.parse('2026-12-07T02:00:00Z'); // 23:00 the day before in São Paulo
    expect(new Date(nextWindowOpening(saoPaulo, at)).toISOString()).toBe(
      '2026-12-07T11:00:00.000Z',
    );
  });

  it('skips days the window is closed on', () => {
    const weekdays = { ...saoPaulo, days: [1, 2, 3, 4, 5] };
    const saturday = Date.parse('2026-12-05T12:00:00Z');
    expect(new Date(nextWindowOpening(weekdays, saturday)).toISOString()).toBe(
      '2026-12-07T11:00:00.000Z',
    );
  });

  it('keeps an overnight window open past midnight on the day after its opening day', () => {
    const night: DeliveryWindow = { timezone: 'UTC', days: [5], from: '22:00', to: '06:00' };
    const saturdayAt3 = Date.parse('2026-12-05T03:00:00Z');
    expect(nextWindowOpening(night, saturdayAt3)).toBe(saturdayAt3);
    const saturdayAt7 = Date.parse('2026-12-05T07:00:00Z');
    expect(new Date(nextWindowOpening(night, saturdayAt7)).toISOString()).toBe(
      '2026-12-11T22:00:00.000Z',
    );
  });

  it('opens at the change when daylight saving skips the opening time (São Paulo, 2018)', () => {
    // On 2018-11-04 São Paulo's clocks went from 00:00 straight to 01:00 (-03 to -02).
    const window = { ...saoPaulo, from: '00:30', to: '06:00' };
    const before = Date.parse('2018-11-03T23:00:00-03:00');
    expect(new Date(nextWindowOpening(window, before)).toISOString()).toBe(
      '2018-11-04T03:00:00.000Z',
    );
  });

  it('opens at the first of two 01:30s when New York falls back', () => {
    const window: DeliveryWindow = {
      timezone: 'America/New_York',
      days: null,
      from: '01:30',
      to: '03:00',
    };
    const at = Date.parse('2026-11-01T00:00:00-04:00');
    expect(new Date(nextWindowOpening(window, at)).toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('opens at 03:00 when Berlin springs past 02:30', () => {
    const window: DeliveryWindow = {
      timezone: 'Europe/Berlin',
      days: null,
      from: '02:30',
      to: '05:00',
    };
    const at = Date.parse('2026-03-29T00:00:00+01:00');
    expect(new Date(nextWindowOpening(window, at)).toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });

  it('never answers an instant before the one given, and answers one inside the window', () => {
    fc.assert(
      fc.property(windowArb, nearAChange, (window, at) => {
        const sut = nextWindowOpening(window, at);
        expect(sut).toBeGreaterThanOrEqual(at);
        expect(isOpen(window, sut)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('answers the first open instant: everything between is closed', () => {
    fc.assert(
      fc.property(
        windowArb,
        nearAChange,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (window, at, share) => {
          const sut = nextWindowOpening(window, at);
          const between = at + Math.floor((sut - at) * share);
          if (between < sut) {
            expect(isOpen(window, between)).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is stable: the opening of an opening is itself', () => {
    fc.assert(
      fc.property(windowArb, nearAChange, (window, at) => {
        const sut = nextWindowOpening(window, at);
        expect(nextWindowOpening(window, sut)).toBe(sut);
      }),
      { numRuns: 200 },
    );
  });
});
