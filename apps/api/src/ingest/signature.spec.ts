import { isValidSignature, signBody } from './signature';

describe(isValidSignature.name, () => {
  const secret = 'top-secret-key';
  const rawBody = Buffer.from('{"hello":"world"}');

  it('accepts the HMAC-SHA256 of the raw body', () => {
    expect(isValidSignature({ secret, rawBody, header: signBody(secret, rawBody) })).toBe(true);
  });

  it('accepts an upper-case hex digest and the first of repeated headers', () => {
    const header = signBody(secret, rawBody).replace(/[a-f]/g, (c) => c.toUpperCase());
    expect(isValidSignature({ secret, rawBody, header: [header, 'sha256=00'] })).toBe(true);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['without prefix', signBody(secret, rawBody).slice('sha256='.length)],
    ['of another body', signBody(secret, '{"hello":"there"}')],
    ['with another secret', signBody('other-secret', rawBody)],
    ['too short', 'sha256=abcd'],
    ['not hex', `sha256=${'z'.repeat(64)}`],
  ])('refuses a signature that is %s', (_case, header) => {
    expect(isValidSignature({ secret, rawBody, header })).toBe(false);
  });
});
