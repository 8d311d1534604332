import { isHeaderName, isHeaderValue } from './http-header';

describe(isHeaderName.name, () => {
  it.each(['Authorization', 'X-Api-Key', 'x_custom.1', "a!#$%&'*+.^_`|~-z"])(
    'accepts %s',
    (name) => {
      expect(isHeaderName(name)).toBe(true);
    },
  );

  it.each(['', 'X Api', 'X-Api:', 'Ünïcode', 'a'.repeat(257)])('refuses %j', (name) => {
    expect(isHeaderName(name)).toBe(false);
  });
});

describe(isHeaderValue.name, () => {
  it('accepts up to 8192 characters without line breaks or NUL', () => {
    expect(isHeaderValue('Bearer s3cr3t')).toBe(true);
    expect(isHeaderValue('')).toBe(true);
    expect(isHeaderValue('a'.repeat(8192))).toBe(true);
    for (const value of ['a\r\nX-Injected: 1', 'a\nb', 'a\0b', 'a'.repeat(8193)]) {
      expect(isHeaderValue(value)).toBe(false);
    }
  });
});
