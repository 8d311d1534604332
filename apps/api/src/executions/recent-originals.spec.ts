import { RecentOriginals } from './recent-originals';

const original = (executionId: string) => ({ executionId, bodySha256: Buffer.from(executionId) });
const TRIGGER = '6f1c1f4e-8d43-4f8e-9f59-0d0b2d0a5a11';
const OTHER = '0a7e2c55-3a0e-4b7e-8f4d-5b1f0c3a9e22';

describe('RecentOriginals', () => {
  it('finds an original by trigger and key, and only by both', () => {
    const recent = new RecentOriginals(10);
    recent.remember(TRIGGER, 'evt-1', original('a'));

    expect(recent.find(TRIGGER, 'evt-1')).toEqual(original('a'));
    expect(recent.find(OTHER, 'evt-1')).toBeUndefined();
    expect(recent.find(TRIGGER, 'evt-2')).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the least recently used first', () => {
    const recent = new RecentOriginals(2);
    recent.remember(TRIGGER, 'a', original('a'));
    recent.remember(TRIGGER, 'b', original('b'));
    recent.find(TRIGGER, 'a'); // used: b is now the oldest
    recent.remember(TRIGGER, 'c', original('c'));

    expect(recent.size).toBe(2);
    expect(recent.find(TRIGGER, 'b')).toBeUndefined();
    expect(recent.find(TRIGGER, 'a')).toEqual(original('a'));
    expect(recent.find(TRIGGER, 'c')).toEqual(original('c'));
  });

  it('replaces an entry remembered again and forgets one on request', () => {
    const recent = new RecentOriginals(2);
    recent.remember(TRIGGER, 'a', original('old'));
    recent.remember(TRIGGER, 'a', original('new'));

    expect(recent.size).toBe(1);
    expect(recent.find(TRIGGER, 'a')).toEqual(original('new'));
    recent.forget(TRIGGER, 'a');
    expect(recent.find(TRIGGER, 'a')).toBeUndefined();
  });
});
