import type { StoredAction, StoredVerification } from './trigger.entity';

/** The fields of a trigger that hold secrets, as stored. */
export interface TriggerSecrets {
  verification: StoredVerification | null;
  /** null for a pure router. */
  action: StoredAction | null;
}

/** Where a secret sits in a trigger, for messages: `verification.secrets[0]`, `action.apiKey`. */
export type SecretField = string;

/**
 * The one list of a trigger's secret fields (SPEC §16): every verification secret, Meta's
 * `verifyToken`, a WhatsApp `apiKey`, every `secretHeaders` value, the outbound signing secret. Answers a copy of `trigger` with `map` applied to each
 * of them; sealing, re-sealing under a new key, opening for the worker and the check at start
 * all go through here, so a new kind of secret is added once.
 */
export function mapSecrets<T extends TriggerSecrets>(
  trigger: T,
  map: (value: string, field: SecretField) => string,
): T {
  return {
    ...trigger,
    verification:
      trigger.verification === null ? null : mapVerificationSecrets(trigger.verification, map),
    action: trigger.action === null ? null : mapActionSecrets(trigger.action, map),
  };
}

export function mapVerificationSecrets(
  verification: StoredVerification,
  map: (value: string, field: SecretField) => string,
): StoredVerification {
  return {
    ...verification,
    secrets: verification.secrets.map((secret, index) => ({
      ...secret,
      value: map(secret.value, `verification.secrets[${index}]`),
    })),
    ...(verification.verifyToken === undefined
      ? {}
      : { verifyToken: map(verification.verifyToken, 'verification.verifyToken') }),
  };
}

export function mapActionSecrets(
  action: StoredAction,
  map: (value: string, field: SecretField) => string,
): StoredAction {
  switch (action.type) {
    case 'http':
      return {
        ...action,
        ...(action.secretHeaders === undefined || action.secretHeaders === null
          ? {}
          : {
              secretHeaders: Object.fromEntries(
                Object.entries(action.secretHeaders).map(([name, value]) => [
                  name,
                  map(value, `action.secretHeaders.${name}`),
                ]),
              ),
            }),
        ...(action.signing === undefined || action.signing === null
          ? {}
          : {
              signing: {
                ...action.signing,
                secret: map(action.signing.secret, 'action.signing.secret'),
              },
            }),
      };
    case 'whatsapp':
      return action.apiKey === null || action.apiKey === ''
        ? action
        : { ...action, apiKey: map(action.apiKey, 'action.apiKey') };
  }
}

/** Every secret value of a trigger with where it sits. */
export function listSecrets(trigger: TriggerSecrets): { field: SecretField; value: string }[] {
  const found: { field: SecretField; value: string }[] = [];
  mapSecrets(trigger, (value, field) => {
    found.push({ field, value });
    return value;
  });
  return found;
}
