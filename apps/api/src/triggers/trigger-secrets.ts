import {
  DEFAULT_TOLERANCE_SECONDS,
  defaultIdempotencyKeyHeaders,
  defaultIdempotencyKeyPaths,
  defaultRedactPaths,
  EVOLUTION_TOKEN,
  isCredentialHeaderName,
  type Verification,
  type VerificationScheme,
} from '@triggerline/contracts';
import { RequestError } from '../http/request.errors';
import { SecretBox, SecretsKeyError } from '../secrets/secret-box';
import { mapActionSecrets, mapVerificationSecrets, type SecretField } from './stored-secrets';
import type { OpenSecret } from '../verification/verify-signature';
import { secretProblem } from '../verification/verify-signature';
import type { VerificationDto } from './dto/verification.dto';
import type { StoredAction, StoredVerification } from './trigger.entity';

/** The stored verification after a create or update; undefined when the request leaves it. */
export function nextVerification(input: {
  secret?: string | null;
  verification?: VerificationDto | null;
  stored: StoredVerification | null;
  box: SecretBox;
}): StoredVerification | null | undefined {
  const { secret, verification, stored, box } = input;
  if (secret !== undefined && verification !== undefined) {
    throw invalid('give either secret (the hmac-sha256 shorthand) or verification, not both');
  }
  if (secret !== undefined) {
    return secret === null
      ? null
      : {
          scheme: 'hmac-sha256',
          secrets: [{ value: box.seal(secret), expiresAt: null }],
          toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
        };
  }
  if (verification === undefined || verification === null) {
    return verification;
  }
  const kept = [...(stored?.secrets ?? [])];
  const secrets = verification.secrets.map((item) => {
    if (item.value === undefined) {
      const previous = kept.shift();
      if (previous === undefined) {
        throw invalid(
          'verification.secrets: an item without value keeps a stored secret, and none is left',
        );
      }
      checkSecret(verification.scheme, box.open(previous.value));
      return {
        value: previous.value,
        expiresAt: item.expiresAt === undefined ? previous.expiresAt : canonicalIso(item.expiresAt),
      };
    }
    checkSecret(verification.scheme, item.value);
    return { value: box.seal(item.value), expiresAt: canonicalIso(item.expiresAt ?? null) };
  });
  return {
    scheme: verification.scheme,
    secrets,
    toleranceSeconds:
      verification.toleranceSeconds ?? stored?.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
    ...schemeOptions(verification),
    ...verifyToken(verification, stored, box),
  };
}

const OPTION_FIELDS = ['in', 'name', 'header', 'algorithm', 'encoding', 'prefix'] as const;

// The settings of the configurable schemes; every other scheme takes none.
function schemeOptions(verification: VerificationDto): Partial<StoredVerification> {
  const allowed: Partial<Record<VerificationScheme, readonly string[]>> = {
    token: ['in', 'name'],
    hmac: ['header', 'algorithm', 'encoding', 'prefix'],
  };
  const fields = allowed[verification.scheme] ?? [];
  for (const field of OPTION_FIELDS) {
    if (verification[field] !== undefined && !fields.includes(field)) {
      throw invalid(`verification.${field} does not apply to the ${verification.scheme} scheme`);
    }
  }
  if (verification.scheme === 'token') {
    if (verification.in === undefined || verification.name === undefined) {
      throw invalid('verification.in and verification.name are required for the token scheme');
    }
    return { in: verification.in, name: verification.name };
  }
  if (verification.scheme === 'hmac') {
    if (verification.header === undefined) {
      throw invalid('verification.header is required for the hmac scheme');
    }
    return {
      header: verification.header,
      algorithm: verification.algorithm ?? 'sha256',
      encoding: verification.encoding ?? 'hex',
      prefix: verification.prefix ?? '',
    };
  }
  return {};
}

// Meta's subscription handshake token: write-only, kept when left out.
function verifyToken(
  verification: VerificationDto,
  stored: StoredVerification | null,
  box: SecretBox,
): Pick<StoredVerification, 'verifyToken'> {
  if (verification.scheme !== 'meta') {
    if (verification.verifyToken !== undefined) {
      throw invalid(`verification.verifyToken does not apply to the ${verification.scheme} scheme`);
    }
    return {};
  }
  if (verification.verifyToken !== undefined) {
    return { verifyToken: box.seal(verification.verifyToken) };
  }
  return stored?.scheme === 'meta' && stored.verifyToken !== undefined
    ? { verifyToken: stored.verifyToken }
    : {};
}

/** Meta's verify token in clear, or null when the trigger has none. */
export function openVerifyToken(
  trigger: { slug: string; verification: StoredVerification | null },
  box: SecretBox,
): string | null {
  const sealed = trigger.verification?.verifyToken;
  return sealed === undefined
    ? null
    : opener(box, trigger.slug)(sealed, 'verification.verifyToken');
}

/**
 * Opens a stored secret (values stored in clear by an earlier version are used as they are,
 * until the start-up sealer seals them); a key that cannot open it is a SecretsKeyError (503)
 * naming the trigger and the field.
 */
function opener(box: SecretBox, slug: string): (value: string, field: SecretField) => string {
  return (value, field) => {
    if (!SecretBox.isSealed(value)) {
      return value;
    }
    try {
      return box.open(value);
    } catch (error) {
      throw new SecretsKeyError(
        `The ${field} of trigger "${slug}" cannot be opened: ${(error as Error).message}.`,
      );
    }
  };
}

/** The verification a delivery is checked against, with its secrets in clear. */
export function openVerification(
  trigger: { slug: string; verification: StoredVerification | null; secret: string | null },
  box: SecretBox,
): (StoredVerification & { secrets: OpenSecret[] }) | null {
  if (trigger.verification !== null) {
    return mapVerificationSecrets(trigger.verification, opener(box, trigger.slug));
  }
  // A v1 plain secret not yet sealed (another process is still starting): still enforced.
  return trigger.secret === null
    ? null
    : {
        scheme: 'hmac-sha256',
        secrets: [{ value: trigger.secret, expiresAt: null }],
        toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
      };
}

export function toVerificationResponse(stored: StoredVerification | null): Verification | null {
  if (stored === null) {
    return null;
  }
  const token = stored.scheme === 'evolution' ? EVOLUTION_TOKEN : stored;
  return {
    scheme: stored.scheme,
    secrets: stored.secrets.map((secret) => ({ expiresAt: secret.expiresAt })),
    toleranceSeconds: stored.toleranceSeconds,
    in: token.in ?? null,
    name: token.name ?? null,
    header: stored.header ?? null,
    algorithm: stored.algorithm ?? null,
    encoding: stored.encoding ?? null,
    prefix: stored.prefix ?? null,
    hasVerifyToken: stored.verifyToken !== undefined,
  };
}

export function effectiveIdempotencyKeyHeaders(trigger: {
  idempotencyKeyHeaders: string[] | null;
  verification: StoredVerification | null;
}): string[] {
  return trigger.idempotencyKeyHeaders ?? defaultIdempotencyKeyHeaders(trigger.verification);
}

/** The trigger's own redacted paths, or its scheme's default (SPEC §13). */
export function effectiveRedactPaths(trigger: {
  redactPaths: string[] | null;
  verification: StoredVerification | null;
}): string[] {
  return trigger.redactPaths ?? defaultRedactPaths(trigger.verification);
}

/** The trigger's own key paths, or its scheme's preset (SPEC §13). */
export function effectiveIdempotencyKeyPaths(trigger: {
  idempotencyKeyPaths: string[] | null;
  verification: StoredVerification | null;
}): string[] {
  return trigger.idempotencyKeyPaths ?? defaultIdempotencyKeyPaths(trigger.verification);
}

/** The action as the worker needs it: `apiKey` and secret headers in clear. */
export function openAction(action: StoredAction, box: SecretBox, slug: string): StoredAction {
  return mapActionSecrets(action, opener(box, slug));
}

/**
 * The http action's headers after a create or update: credential-looking names given in
 * `headers` (SPEC §13's rule; old clients still send them there) join the sealed secret headers.
 */
export function nextHttpHeaders(input: {
  headers: Record<string, string> | undefined;
  secretHeaders: Record<string, string | null> | undefined;
  stored: Record<string, string> | null;
  box: SecretBox;
}): { headers: Record<string, string> | null; secretHeaders: Record<string, string> | null } {
  const { box, stored } = input;
  const plain: Record<string, string> = {};
  const secret: Record<string, string> = {};
  if (input.secretHeaders === undefined) {
    Object.assign(secret, stored ?? {});
  } else {
    for (const [name, value] of Object.entries(input.secretHeaders)) {
      if (value !== null) {
        secret[name] = box.seal(value);
        continue;
      }
      const kept = stored?.[name];
      if (kept === undefined) {
        throw invalid(
          `action.secretHeaders.${name}: null keeps a stored value, and none is stored`,
        );
      }
      secret[name] = kept;
    }
  }
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (isCredentialHeaderName(name)) {
      secret[name] = box.seal(value);
    } else {
      plain[name] = value;
    }
  }
  return {
    headers: input.headers === undefined ? null : plain,
    secretHeaders: Object.keys(secret).length === 0 ? null : secret,
  };
}

function checkSecret(scheme: VerificationScheme, value: string): void {
  const problem = secretProblem(scheme, value);
  if (problem !== null) {
    throw invalid(`verification.secrets: ${problem}`);
  }
}

// Stored and answered in one form (`toISOString`), whatever ISO-8601 form was sent.
function canonicalIso(value: string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

function invalid(message: string): RequestError {
  return new RequestError('validation_failed', message, [message]);
}
