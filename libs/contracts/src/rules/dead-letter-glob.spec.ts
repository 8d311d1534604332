import fc from 'fast-check';
import { isValidDeadLetterGlob, matchesDeadLetterGlob } from './dead-letter-glob';
import { SLUG_PATTERN } from './slug';

const slugs = fc.stringMatching(SLUG_PATTERN);

describe(isValidDeadLetterGlob.name, () => {
  it.each(['*', 'orders', 'orders-*', 'wa*', 'a*', 'orders-eu-1', 'x'.repeat(63) + '*'])(
    'accepts %p',
    (glob) => {
      expect(isValidDeadLetterGlob(glob)).toBe(true);
    },
  );

  it.each([
    '',
    '**',
    '*orders',
    'or*ders',
    'orders-**',
    '-*',
    'Orders-*',
    'orders?',
    'orders.*',
    '.*',
    'orders-[a-z]*',
    'x'.repeat(64) + '*',
  ])('rejects %p', (glob) => {
    expect(isValidDeadLetterGlob(glob)).toBe(false);
  });

  it('accepts every slug and every slug followed by *', () => {
    fc.assert(
      fc.property(slugs, (slug) => {
        expect(isValidDeadLetterGlob(slug)).toBe(true);
        expect(isValidDeadLetterGlob(`${slug}*`)).toBe(true);
      }),
    );
  });
});

describe(matchesDeadLetterGlob.name, () => {
  it.each([
    ['*', 'orders'],
    ['orders-*', 'orders-eu'],
    ['orders-*', 'orders-'],
    ['wa*', 'wa'],
    ['wa*', 'wa-inbound'],
    ['orders', 'orders'],
  ])('matches %p against %p', (glob, slug) => {
    expect(matchesDeadLetterGlob(glob, slug)).toBe(true);
  });

  it.each([
    ['orders-*', 'orders'],
    ['orders-*', 'order-eu'],
    ['orders', 'orders-eu'],
    ['orders', 'order'],
    ['wa*', 'xwa'],
    ['*orders', 'orders'],
    ['or*s', 'orders'],
    ['.*', 'orders'],
    ['', ''],
  ])('does not match %p against %p', (glob, slug) => {
    expect(matchesDeadLetterGlob(glob, slug)).toBe(false);
  });

  it('matches every slug against itself', () => {
    fc.assert(
      fc.property(slugs, (slug) => {
        expect(matchesDeadLetterGlob(slug, slug)).toBe(true);
      }),
    );
  });

  it('matches every slug against *', () => {
    fc.assert(
      fc.property(slugs, (slug) => {
        expect(matchesDeadLetterGlob('*', slug)).toBe(true);
      }),
    );
  });

  it('matches a prefix glob against the prefix followed by anything', () => {
    fc.assert(
      fc.property(slugs, fc.string(), (prefix, rest) => {
        expect(matchesDeadLetterGlob(`${prefix}*`, prefix + rest)).toBe(true);
      }),
    );
  });

  it('matches an exact glob only against that slug', () => {
    fc.assert(
      fc.property(slugs, slugs, (glob, slug) => {
        expect(matchesDeadLetterGlob(glob, slug)).toBe(glob === slug);
      }),
    );
  });
});
