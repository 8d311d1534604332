import { randomBytes } from 'node:crypto';
import { SecretBox } from '../secrets/secret-box';
import {
  maskForwardedHeaders,
  openForwardedHeaders,
  sealForwardedHeaders,
} from './forwarded-headers';

describe(sealForwardedHeaders.name, () => {
  const box = new SecretBox(randomBytes(32));

  it('keeps the named headers, seals credential-looking values, and opens them again', () => {
    const sut = sealForwardedHeaders({
      headers: { 'stripe-signature': 't=1,v1=ab', 'x-github-event': 'push', other: 'x' },
      names: ['Stripe-Signature', 'X-GitHub-Event', 'X-Absent'],
      box,
    });
    expect(Object.keys(sut)).toEqual(['stripe-signature', 'x-github-event']);
    expect(SecretBox.isSealed(sut['stripe-signature'])).toBe(true);
    expect(sut['x-github-event']).toBe('push');
    expect(openForwardedHeaders(sut, box)).toEqual({
      'stripe-signature': 't=1,v1=ab',
      'x-github-event': 'push',
    });
    expect(maskForwardedHeaders(sut)).toEqual({
      'stripe-signature': '***',
      'x-github-event': 'push',
    });
  });
});
