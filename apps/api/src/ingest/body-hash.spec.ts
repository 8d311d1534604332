import fc from 'fast-check';
import { hashBody } from './body-hash';

describe(hashBody.name, () => {
  it('is the SHA-256 of the bytes', () => {
    expect(hashBody(Buffer.from('abc')).toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('tells apart bodies that differ, even only in whitespace or key order', () => {
    expect(hashBody(Buffer.from('{"a":1,"b":2}'))).not.toEqual(
      hashBody(Buffer.from('{"b":2,"a":1}')),
    );
    fc.assert(
      fc.property(fc.uint8Array(), fc.uint8Array(), (a, b) => {
        const same = Buffer.from(a).equals(Buffer.from(b));
        expect(hashBody(Buffer.from(a)).equals(hashBody(Buffer.from(b)))).toBe(same);
      }),
    );
  });
});
