import { isValidSlug } from './slug';

describe(isValidSlug.name, () => {
  it.each(['a', '0', 'orders', 'orders-eu', 'wa-2', 'a-', 'x'.repeat(63), 'a--b'])(
    'accepts %p',
    (slug) => {
      expect(isValidSlug(slug)).toBe(true);
    },
  );

  it.each([
    '',
    '-a',
    'Orders',
    'orders_eu',
    'orders.eu',
    'orders eu',
    'ördres',
    'x'.repeat(64),
    'orders\n',
    '*',
  ])('rejects %p', (slug) => {
    expect(isValidSlug(slug)).toBe(false);
  });
});
