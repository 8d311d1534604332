import {
  type AbstractControl,
  FormControl,
  FormGroup,
  type ValidationErrors,
  type ValidatorFn,
  Validators,
} from '@angular/forms';
import {
  type HmacAlgorithm,
  isHeaderName,
  type KeyPresetInput,
  MAX_TOLERANCE_SECONDS,
  type SignatureEncoding,
  type TokenLocation,
  type Verification,
  type VerificationInput,
  type VerificationScheme,
  type VerificationSecretView,
} from '@triggerline/contracts';

/** Token senders with a well-known header: one click sets the `token` scheme's place. */
export const TOKEN_SHORTCUTS = [
  { label: 'GitLab (X-Gitlab-Token header)', in: 'header', name: 'X-Gitlab-Token' },
  {
    label: 'Telegram (X-Telegram-Bot-Api-Secret-Token header)',
    in: 'header',
    name: 'X-Telegram-Bot-Api-Secret-Token',
  },
] as const satisfies readonly { label: string; in: TokenLocation; name: string }[];

export type TokenShortcut = (typeof TOKEN_SHORTCUTS)[number];

const STANDARD_WEBHOOKS_SECRET = /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/;

/**
 * What the chosen scheme needs: a secret (a new one, or one already stored) in its format, the
 * token's place, the hmac header, and Meta's verify token (without it the subscription
 * handshake cannot pass, so Meta would never send anything).
 */
const verificationRule: ValidatorFn = (group: AbstractControl): ValidationErrors | null => {
  const value = (group as VerificationFormGroup).getRawValue();
  const { scheme, secret, storedSecrets } = value;
  if (scheme === null) {
    return null;
  }
  const errors: ValidationErrors = {};
  if (secret === '' && storedSecrets.length === 0) {
    errors['secretRequired'] = true;
  }
  if (secret !== '' && scheme === 'standard-webhooks' && !STANDARD_WEBHOOKS_SECRET.test(secret)) {
    errors['whsec'] = true;
  }
  if (secret !== '' && scheme === 'basic' && !secret.includes(':')) {
    errors['basicSecret'] = true;
  }
  const name = value.name.trim();
  if (scheme === 'token' && (name === '' || (value.in === 'header' && !isHeaderName(name)))) {
    errors['tokenName'] = true;
  }
  if (scheme === 'hmac' && !isHeaderName(value.header.trim())) {
    errors['hmacHeader'] = true;
  }
  if (scheme === 'meta' && value.verifyToken === '' && !value.hasVerifyToken) {
    errors['verifyTokenRequired'] = true;
  }
  return Object.keys(errors).length > 0 ? errors : null;
};

export function buildVerificationGroup() {
  return new FormGroup(
    {
      /** null: deliveries are not verified. */
      scheme: new FormControl<VerificationScheme | null>(null),
      /** A new secret; empty keeps the stored ones. */
      secret: new FormControl('', { nonNullable: true, validators: [Validators.maxLength(512)] }),
      /** With a new secret: keep the current one until then (rotation); empty: replace it now. */
      keepCurrentUntil: new FormControl('', { nonNullable: true }),
      toleranceSeconds: new FormControl<number | null>(null, [
        Validators.min(1),
        Validators.max(MAX_TOLERANCE_SECONDS),
      ]),
      /** What the API says is stored (values are never shown). */
      storedSecrets: new FormControl<VerificationSecretView[]>([], { nonNullable: true }),
      /** `token`: where the token is, and the header, query parameter or body path. */
      in: new FormControl<TokenLocation>('header', { nonNullable: true }),
      name: new FormControl('', { nonNullable: true, validators: [Validators.maxLength(200)] }),
      /** `hmac`: the signature's header, its digest and how it is written. */
      header: new FormControl('', { nonNullable: true }),
      algorithm: new FormControl<HmacAlgorithm>('sha256', { nonNullable: true }),
      encoding: new FormControl<SignatureEncoding>('hex', { nonNullable: true }),
      prefix: new FormControl('', { nonNullable: true, validators: [Validators.maxLength(50)] }),
      /** `meta`: a new verify token (write-only); empty keeps the stored one. */
      verifyToken: new FormControl('', {
        nonNullable: true,
        validators: [Validators.maxLength(512)],
      }),
      /** What the API says: whether a verify token is stored. */
      hasVerifyToken: new FormControl(false, { nonNullable: true }),
    },
    { validators: verificationRule },
  );
}

export type VerificationFormGroup = ReturnType<typeof buildVerificationGroup>;
export type VerificationFormValue = ReturnType<VerificationFormGroup['getRawValue']>;

/** The form's values for a stored verification; write-only values stay empty. */
export function verificationFormValue(stored: Verification | null): VerificationFormValue {
  return {
    scheme: stored?.scheme ?? null,
    secret: '',
    keepCurrentUntil: '',
    toleranceSeconds: stored?.toleranceSeconds ?? null,
    storedSecrets: stored?.secrets ?? [],
    // The evolution scheme answers its fixed place (body apikey): not an option to edit.
    in: stored?.scheme === 'token' ? (stored.in ?? 'header') : 'header',
    name: stored?.scheme === 'token' ? (stored.name ?? '') : '',
    header: stored?.header ?? '',
    algorithm: stored?.algorithm ?? 'sha256',
    encoding: stored?.encoding ?? 'hex',
    prefix: stored?.prefix ?? '',
    verifyToken: '',
    hasVerifyToken: stored?.hasVerifyToken ?? false,
  };
}

export function applyTokenShortcut(group: VerificationFormGroup, shortcut: TokenShortcut): void {
  group.patchValue({ scheme: 'token', in: shortcut.in, name: shortcut.name });
  group.markAsDirty();
}

/** What the key and redaction presets depend on: the scheme, and a token's place (GitLab). */
export function presetInput(value: VerificationFormValue): KeyPresetInput | null {
  return value.scheme === null
    ? null
    : { scheme: value.scheme, name: value.scheme === 'token' ? value.name.trim() : null };
}

/**
 * The `verification` to send, or undefined to leave it as it is. The stored secrets are never
 * known here: an item without `value` keeps one (the API's rule), which is how a new secret is
 * added while the current one stays valid until `keepCurrentUntil`. Only the chosen scheme's
 * options are sent: the API refuses the others.
 */
export function toVerificationRequest(
  value: VerificationFormValue,
): VerificationInput | null | undefined {
  const { scheme, secret, keepCurrentUntil, toleranceSeconds, storedSecrets } = value;
  if (scheme === null) {
    return storedSecrets.length > 0 ? null : undefined;
  }
  const keepsCurrent = keepCurrentUntil !== '' && storedSecrets.length > 0;
  const secrets =
    secret === ''
      ? storedSecrets.map((stored) => ({ expiresAt: stored.expiresAt }))
      : keepsCurrent
        ? [{ value: secret }, { expiresAt: new Date(keepCurrentUntil).toISOString() }]
        : [{ value: secret }];
  return {
    scheme,
    secrets,
    ...(toleranceSeconds === null ? {} : { toleranceSeconds }),
    ...schemeOptions(value),
  };
}

function schemeOptions(value: VerificationFormValue): Partial<VerificationInput> {
  switch (value.scheme) {
    case 'token':
      return { in: value.in, name: value.name.trim() };
    case 'hmac':
      return {
        header: value.header.trim(),
        algorithm: value.algorithm,
        encoding: value.encoding,
        prefix: value.prefix,
      };
    case 'meta':
      return value.verifyToken === '' ? {} : { verifyToken: value.verifyToken };
    case 'hmac-sha256':
    case 'github':
    case 'stripe':
    case 'shopify':
    case 'slack':
    case 'standard-webhooks':
    case 'basic':
    case 'twilio':
    case 'evolution':
    case null:
      return {};
  }
}

/** A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes. */
export function generateStandardWebhooksSecret(
  fillRandom: (bytes: Uint8Array<ArrayBuffer>) => void = (bytes) => crypto.getRandomValues(bytes),
): string {
  const bytes = new Uint8Array(new ArrayBuffer(32));
  fillRandom(bytes);
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}
