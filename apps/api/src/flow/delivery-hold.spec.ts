import { decideDeliveryHold, ORDERING_RECHECK_MS, windowOpenings } from './delivery-hold';
import { nextWindowOpening } from './delivery-window';

const NOW = Date.parse('2026-12-07T02:00:00Z'); // 23:00 in São Paulo, the day before
const window = { timezone: 'America/Sao_Paulo', days: null, from: '08:00', to: '20:00' };
const decide = (input: Partial<Parameters<typeof decideDeliveryHold>[0]>) =>
  decideDeliveryHold({
    order: { window: null, delayMs: null },
    acceptedAt: NOW,
    isOrderingBlocked: false,
    now: NOW,
    ...input,
  });

describe(decideDeliveryHold.name, () => {
  it('lets an execution go when nothing holds it', () => {
    expect(decide({})).toBeNull();
    expect(
      decide({ order: { window, delayMs: 1000 }, now: Date.parse('2026-12-07T12:00:00Z') }),
    ).toBeNull();
  });

  it('holds an execution whose key is taken, to be woken (or looked at again later)', () => {
    expect(decide({ isOrderingBlocked: true, order: { window, delayMs: null } })).toEqual({
      heldBy: 'ordering',
      dueAt: NOW + ORDERING_RECHECK_MS,
    });
  });

  it('holds until acceptance plus the delay', () => {
    expect(decide({ order: { window: null, delayMs: 5000 }, acceptedAt: NOW - 1000 })).toEqual({
      heldBy: 'delay',
      dueAt: NOW + 4000,
    });
  });

  it("holds outside the window until its next opening in the window's time zone", () => {
    expect(decide({ order: { window, delayMs: null } })).toEqual({
      heldBy: 'window',
      dueAt: Date.parse('2026-12-07T11:00:00Z'),
    });
  });

  it('opens the window after the delay when the delay ends outside it', () => {
    const lateEvening = Date.parse('2026-12-07T22:59:00Z'); // 19:59 in São Paulo
    expect(
      decide({ order: { window, delayMs: 120_000 }, acceptedAt: lateEvening, now: lateEvening }),
    ).toEqual({ heldBy: 'window', dueAt: Date.parse('2026-12-08T11:00:00Z') });
  });

  it('decides the same with the opening remembered per instant', () => {
    const opening = windowOpenings(window);
    for (const at of [NOW, NOW, NOW + 3_600_000, Date.parse('2026-12-07T12:00:00Z')]) {
      expect(opening(at)).toBe(nextWindowOpening(window, at));
      expect(decide({ order: { window, delayMs: null }, now: at, opening })).toEqual(
        decide({ order: { window, delayMs: null }, now: at }),
      );
    }
  });
});
