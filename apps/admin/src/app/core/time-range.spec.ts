import { describe, expect, it } from 'vitest';
import { isoToLocalInput, localInputToIso } from './time-range';

describe('time range fields', () => {
  it('turns a local datetime input into ISO and back to the same input', () => {
    const iso = localInputToIso('2026-11-24T07:30');
    expect(iso).toMatch(/^2026-11-2[345]T\d\d:30:00\.000Z$/);
    expect(isoToLocalInput(iso)).toBe('2026-11-24T07:30');
  });

  it('treats empty and malformed values as an open bound', () => {
    expect(localInputToIso('')).toBeNull();
    expect(localInputToIso('  ')).toBeNull();
    expect(localInputToIso('not a date')).toBeNull();
    expect(isoToLocalInput(null)).toBe('');
    expect(isoToLocalInput('garbage')).toBe('');
  });
});
