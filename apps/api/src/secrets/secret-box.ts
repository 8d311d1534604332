import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { SecretsErrorCode } from '@triggerline/contracts';
import { DomainError } from '../http/domain-error';

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const SECRETS_KEY_BYTES = 32;
const SEALED = /^v1:([0-9a-f]{8}):([A-Za-z0-9+/]{16}):([A-Za-z0-9+/]+={0,2})$/;
// Opened values are kept so the ingest hot path does not decrypt on every delivery.
const MAX_CACHED = 1000;

/** A key that is malformed, or that cannot open a stored secret: 503, never a 500. */
export class SecretsKeyError extends DomainError<SecretsErrorCode> {
  constructor(message: string) {
    super('secret_unavailable', message);
  }
}

function keyIdOf(key: Buffer): string {
  if (key.length !== SECRETS_KEY_BYTES) {
    throw new SecretsKeyError(`The secrets key must be ${SECRETS_KEY_BYTES} bytes`);
  }
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * Seals secrets for storage with AES-256-GCM: `v1:<key id>:<base64 nonce>:<base64 ciphertext
 * and tag>`, a fresh 12-byte nonce per value. The key id (the start of the key's SHA-256) is
 * stored with each value, so that a key ring (SECRETS_KEY, then SECRETS_KEY_PREVIOUS) opens
 * values sealed under any of its keys while sealing only under the current one.
 */
export class SecretBox {
  readonly keyId: string;
  private readonly keys = new Map<string, Buffer>();
  private readonly opened = new Map<string, string>();

  constructor(
    private readonly key: Buffer,
    previousKeys: Buffer[] = [],
  ) {
    this.keyId = keyIdOf(key);
    for (const previous of previousKeys) {
      this.keys.set(keyIdOf(previous), previous);
    }
    this.keys.set(this.keyId, key);
  }

  /** Whether SECRETS_KEY_PREVIOUS gave keys: values sealed under them are being rotated. */
  get hasPreviousKeys(): boolean {
    return this.keys.size > 1;
  }

  static isSealed(value: string): boolean {
    return SEALED.test(value);
  }

  /** Sealed under SECRETS_KEY itself (not plain, not under a previous key). */
  isSealedUnderCurrentKey(value: string): boolean {
    return SEALED.exec(value)?.[1] === this.keyId;
  }

  seal(plain: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const sealed = Buffer.concat([
      cipher.update(plain, 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return `${VERSION}:${this.keyId}:${nonce.toString('base64')}:${sealed.toString('base64')}`;
  }

  open(value: string): string {
    const cached = this.opened.get(value);
    if (cached !== undefined) {
      return cached;
    }
    const match = SEALED.exec(value);
    if (match === null) {
      throw new SecretsKeyError('not a sealed value');
    }
    const [, keyId, nonce, payload] = match;
    const key = this.keys.get(keyId);
    if (key === undefined) {
      throw new SecretsKeyError(
        `sealed under key ${keyId}, which is neither SECRETS_KEY (key ${this.keyId}) ` +
          'nor in SECRETS_KEY_PREVIOUS',
      );
    }
    const bytes = Buffer.from(payload, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    let plain: string;
    try {
      plain = Buffer.concat([
        decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretsKeyError('failed authentication (tampered with, or a wrong key)');
    }
    if (this.opened.size >= MAX_CACHED) {
      this.opened.clear();
    }
    this.opened.set(value, plain);
    return plain;
  }
}
