import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SecretBox, SecretsKeyError } from './secret-box';
import { loadSecretsKey } from './secrets-key';

describe(SecretBox.name, () => {
  const sut = new SecretBox(randomBytes(32));

  it('opens what it sealed, for any text', () => {
    fc.assert(fc.property(fc.string(), (plain) => expect(sut.open(sut.seal(plain))).toBe(plain)));
  });

  it('uses a fresh nonce per value and stores its key id with it', () => {
    const [first, second] = [sut.seal('same'), sut.seal('same')];

    expect(first).not.toBe(second);
    expect(first.split(':').slice(0, 2)).toEqual(['v1', sut.keyId]);
    expect(Buffer.from(first.split(':')[2], 'base64')).toHaveLength(12);
    expect(first).not.toContain('same');
    expect(SecretBox.isSealed(first)).toBe(true);
    expect(SecretBox.isSealed('a plain secret')).toBe(false);
  });

  it('refuses a value sealed under another key, or tampered with', () => {
    const other = new SecretBox(randomBytes(32));
    const sealed = sut.seal('secret');
    const parts = sealed.split(':');
    const bytes = Buffer.from(parts[3], 'base64');
    bytes[0] ^= 1;
    const tampered = [...parts.slice(0, 3), bytes.toString('base64')].join(':');

    expect(() => other.open(sealed)).toThrow(SecretsKeyError);
    expect(() => sut.open(tampered)).toThrow(SecretsKeyError);
  });
});

describe(loadSecretsKey.name, () => {
  it('uses SECRETS_KEY when given', () => {
    const key = randomBytes(32);

    expect(
      loadSecretsKey({ configuredKey: key.toString('base64'), keyFile: '/nonexistent' }),
    ).toEqual(key);
  });

  it('generates the key file once, mode 0600, and reads it back afterwards', () => {
    const keyFile = join(mkdtempSync(join(tmpdir(), 'secrets-key-')), 'nested', 'secrets.key');

    const first = loadSecretsKey({ keyFile });
    const second = loadSecretsKey({ keyFile });

    expect(first).toHaveLength(32);
    expect(second).toEqual(first);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toEqual(first);
  });

  it('refuses a key of the wrong length', () => {
    expect(() => loadSecretsKey({ configuredKey: 'c2hvcnQ=', keyFile: '/nonexistent' })).toThrow(
      SecretsKeyError,
    );
  });
});
