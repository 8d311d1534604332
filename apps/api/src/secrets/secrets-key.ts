import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SECRETS_KEY_BYTES, SecretsKeyError } from './secret-box';

/**
 * The key that seals stored secrets: `SECRETS_KEY` when set, else the key in `keyFile`,
 * generated there (mode 0600) on first use. Several processes starting together end up with
 * the same key: each writes a private temporary file and links it into place, and only the
 * first link succeeds; the others read the winner's key.
 */
export function loadSecretsKey(input: { configuredKey?: string; keyFile: string }): Buffer {
  if (input.configuredKey !== undefined) {
    return decodeKey(input.configuredKey, 'SECRETS_KEY');
  }
  const existing = readKeyFile(input.keyFile);
  if (existing !== null) {
    return existing;
  }
  mkdirSync(dirname(input.keyFile), { recursive: true, mode: 0o700 });
  const temporary = `${input.keyFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temporary, `${randomBytes(SECRETS_KEY_BYTES).toString('base64')}\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  try {
    linkSync(temporary, input.keyFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw error;
    }
  } finally {
    unlinkSync(temporary);
  }
  return readKeyFile(input.keyFile)!;
}

function readKeyFile(path: string): Buffer | null {
  try {
    return decodeKey(readFileSync(path, 'utf8').trim(), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw error;
  }
}

function decodeKey(encoded: string, source: string): Buffer {
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== SECRETS_KEY_BYTES) {
    throw new SecretsKeyError(`${source} must hold ${SECRETS_KEY_BYTES} bytes in base64`);
  }
  return key;
}
