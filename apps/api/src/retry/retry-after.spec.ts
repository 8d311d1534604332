import fc from 'fast-check';
import { parseRetryAfter } from './retry-after';

describe(parseRetryAfter.name, () => {
  const now = new Date('2025-06-15T12:00:00.000Z');

  it.each([
    ['0', 0],
    ['1', 1000],
    ['120', 120_000],
    ['007', 7000],
    [' 30 ', 30_000],
  ])('reads delta-seconds %p as %i ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it('reads an IMF-fixdate as the milliseconds until it', () => {
    expect(parseRetryAfter('Sun, 15 Jun 2025 12:01:30 GMT', now)).toBe(90_000);
  });

  it('reads the obsolete RFC 850 and asctime forms', () => {
    expect(parseRetryAfter('Sunday, 15-Jun-25 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Sun Jun 15 12:00:20 2025', now)).toBe(20_000);
    expect(parseRetryAfter('Tue Jul  1 12:00:00 2025', now)).toBe(16 * 86_400_000);
  });

  it('places a two-digit RFC 850 year more than 50 years ahead in the last century', () => {
    expect(parseRetryAfter('Friday, 01-Jan-99 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('Friday, 01-Jan-27 00:00:00 GMT', now)).toBeGreaterThan(0);
  });

  it('answers 0 for a date in the past', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(0);
    expect(parseRetryAfter('Sun, 15 Jun 2025 11:59:59 GMT', now)).toBe(0);
  });

  it('accepts a leap second', () => {
    expect(parseRetryAfter('Tue, 30 Jun 2025 23:59:60 GMT', now)).toBe(
      Date.parse('2025-07-01T00:00:00Z') - now.getTime(),
    );
  });

  it.each([null, undefined, '', '   '])('answers null for an absent value %p', (value) => {
    expect(parseRetryAfter(value, now)).toBeNull();
  });

  it.each([
    '-1',
    '1.5',
    '1e3',
    '0x10',
    '12 seconds',
    'soon',
    'tomorrow',
    '2025-06-16T00:00:00Z',
    'Sun, 15 Jun 2025 12:01:30 UTC',
    'sun, 15 jun 2025 12:01:30 gmt',
    'Sun, 31 Feb 2025 12:00:00 GMT',
    'Sun, 00 Jun 2025 12:00:00 GMT',
    'Sun, 15 Jun 2025 24:00:00 GMT',
    'Sun, 15 Jun 2025 12:60:00 GMT',
    'Sun, 15 Foo 2025 12:00:00 GMT',
    'Sun, 15 Jun 2025 12:00:00 GMT extra',
  ])('answers null for the unparseable value %p', (value) => {
    expect(parseRetryAfter(value, now)).toBeNull();
  });

  it('round-trips any date written by toUTCString', () => {
    const dates = fc.date({
      min: new Date('1000-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(dates, dates, (at, from) => {
        const wholeSeconds = Math.floor(at.getTime() / 1000) * 1000;
        expect(parseRetryAfter(at.toUTCString(), from)).toBe(
          Math.max(0, wholeSeconds - from.getTime()),
        );
      }),
    );
  });
});
