import {
  DEFAULT_TOLERANCE_SECONDS,
  defaultIdempotencyKeyHeaders,
  type Verification,
  type VerificationScheme,
} from '@triggerline/contracts';
import { RequestError } from '../http/request.errors';
import { SecretBox } from '../secrets/secret-box';
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
  };
}

/** The verification a delivery is checked against, with its secrets in clear. */
export function openVerification(
  trigger: { verification: StoredVerification | null; secret: string | null },
  box: SecretBox,
): { scheme: VerificationScheme; secrets: OpenSecret[]; toleranceSeconds: number } | null {
  if (trigger.verification !== null) {
    return {
      ...trigger.verification,
      secrets: trigger.verification.secrets.map((secret) => ({
        value: box.open(secret.value),
        expiresAt: secret.expiresAt,
      })),
    };
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
  return stored === null
    ? null
    : {
        scheme: stored.scheme,
        secrets: stored.secrets.map((secret) => ({ expiresAt: secret.expiresAt })),
        toleranceSeconds: stored.toleranceSeconds,
      };
}

export function effectiveIdempotencyKeyHeaders(trigger: {
  idempotencyKeyHeaders: string[] | null;
  verification: StoredVerification | null;
}): string[] {
  return (
    trigger.idempotencyKeyHeaders ??
    defaultIdempotencyKeyHeaders(trigger.verification?.scheme ?? null)
  );
}

/** The action as the worker needs it: `apiKey` in clear (v1 plain values are used as they are). */
export function openAction(action: StoredAction, box: SecretBox): StoredAction {
  if (action.type !== 'whatsapp' || action.apiKey === null || !SecretBox.isSealed(action.apiKey)) {
    return action;
  }
  return { ...action, apiKey: box.open(action.apiKey) };
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
