import fc from 'fast-check';
import { findUrlProblem } from './request-url';

describe(findUrlProblem.name, () => {
  it.each([
    '/hooks/orders',
    '/api/executions?limit=20&status=failed_retryable',
    '/hooks/caf%C3%A9?note=100%&plus=a+b',
    '/api/stats?window=24h&x=%F0%9F%98%80',
    '/hooks/a%2500b',
  ])('accepts %s', (url) => {
    expect(findUrlProblem(url)).toBeNull();
  });

  it.each([
    ['a NUL in the path', '/hooks/%00'],
    ['a NUL inside a path segment', '/hooks/a%00b'],
    ['a NUL in a query value', '/api/executions?cursor=%00'],
    ['a NUL in a query name', '/api/executions?%00=1'],
    ['a raw NUL', '/hooks/a\u0000'],
  ])('refuses %s', (_case, url) => {
    expect(findUrlProblem(url)).toMatch(/NUL/);
  });

  it.each([
    ['a lone byte', '/hooks/%FF'],
    ['a truncated sequence', '/hooks/x%E2%82'],
    ['an overlong NUL', '/hooks/%C0%80'],
    ['an encoded surrogate', '/hooks/%ED%A0%80'],
    ['invalid UTF-8 in a query value', '/api/executions?cursor=%FE'],
  ])('refuses %s as invalid UTF-8', (_case, url) => {
    expect(findUrlProblem(url)).toMatch(/UTF-8/);
  });

  it('accepts any text encoded by encodeURIComponent, unless it holds a NUL', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const url = `/hooks/${encodeURIComponent(a)}?${encodeURIComponent(b)}=${encodeURIComponent(a)}`;
        const hasNul = a.includes('\u0000') || b.includes('\u0000');
        expect(findUrlProblem(url) === null).toBe(!hasNul);
      }),
    );
  });

  it('refuses every lone byte from 0x80 up, wherever it stands', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0x80, max: 0xff }), fc.boolean(), (byte, inQuery) => {
        const escaped = `%${byte.toString(16).toUpperCase()}`;
        const url = inQuery ? `/api/stats?window=${escaped}` : `/hooks/x${escaped}`;
        expect(findUrlProblem(url)).toMatch(/UTF-8/);
      }),
    );
  });
});
