// Verification of inbound webhooks (SPEC §10, §13): the schemes, what each sender sends, and
// the JSON of a trigger's `verification`. Shared by the API (which checks) and the console
// (which tells the user how to set up the sender).

import { DEFAULT_IDEMPOTENCY_KEY_PATHS } from './rules/idempotency-key-paths';

export const VERIFICATION_SCHEMES = [
  'hmac-sha256',
  'github',
  'stripe',
  'shopify',
  'slack',
  'standard-webhooks',
  'token',
  'basic',
  'hmac',
  'twilio',
  'meta',
  'evolution',
] as const;
export type VerificationScheme = (typeof VERIFICATION_SCHEMES)[number];

/** Where the `token` scheme finds its token. */
export const TOKEN_LOCATIONS = ['header', 'query', 'body'] as const;
export type TokenLocation = (typeof TOKEN_LOCATIONS)[number];

export const HMAC_ALGORITHMS = ['sha1', 'sha256', 'sha512'] as const;
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];

export const SIGNATURE_ENCODINGS = ['hex', 'base64'] as const;
export type SignatureEncoding = (typeof SIGNATURE_ENCODINGS)[number];

/** The `evolution` scheme is the `token` scheme on this body field (Evolution API v2 and Go). */
export const EVOLUTION_TOKEN = { in: 'body', name: 'apikey' } as const;

export const DEFAULT_TOLERANCE_SECONDS = 300;
export const MAX_TOLERANCE_SECONDS = 86_400;
/** One secret, or two while rotating. */
export const MAX_VERIFICATION_SECRETS = 2;

/** What a sender must be set up to send, per scheme. */
export interface SchemeDescription {
  label: string;
  /** Headers the sender sets, in the order a person configures them. */
  headers: string[];
  /** What is signed, with `<body>` the raw request body. */
  signedContent: string;
  /** How the signature is written in its header. */
  signatureFormat: string;
  secretFormat: string;
  /** The header carrying the sender's delivery id (read as the idempotency key), if any. */
  deliveryIdHeader: string | null;
  /** True when the signature covers a timestamp, checked against `toleranceSeconds`. */
  isTimestamped: boolean;
}

export const SCHEME_DESCRIPTIONS: Record<VerificationScheme, SchemeDescription> = {
  'hmac-sha256': {
    label: 'HMAC-SHA256 (Triggerline v1)',
    headers: ['X-Signature-256'],
    signedContent: '<body>',
    signatureFormat: 'sha256=<hex HMAC-SHA256>',
    secretFormat: 'any string, used as the HMAC key',
    deliveryIdHeader: null,
    isTimestamped: false,
  },
  github: {
    label: 'GitHub',
    headers: ['X-Hub-Signature-256', 'X-GitHub-Delivery'],
    signedContent: '<body>',
    signatureFormat: 'sha256=<hex HMAC-SHA256>',
    secretFormat: "the webhook's Secret as typed in GitHub",
    deliveryIdHeader: 'X-GitHub-Delivery',
    isTimestamped: false,
  },
  stripe: {
    label: 'Stripe',
    headers: ['Stripe-Signature'],
    signedContent: '<t>.<body>',
    signatureFormat: 't=<unix seconds>,v1=<hex HMAC-SHA256> (several v1 allowed)',
    secretFormat: "the endpoint's signing secret whsec_..., used as given",
    deliveryIdHeader: null,
    isTimestamped: true,
  },
  shopify: {
    label: 'Shopify',
    headers: ['X-Shopify-Hmac-Sha256', 'X-Shopify-Webhook-Id'],
    signedContent: '<body>',
    signatureFormat: '<base64 HMAC-SHA256>',
    secretFormat: "the app's client secret",
    deliveryIdHeader: 'X-Shopify-Webhook-Id',
    isTimestamped: false,
  },
  slack: {
    label: 'Slack',
    headers: ['X-Slack-Request-Timestamp', 'X-Slack-Signature'],
    signedContent: 'v0:<timestamp>:<body>',
    signatureFormat: 'v0=<hex HMAC-SHA256>',
    secretFormat: "the app's Signing Secret",
    deliveryIdHeader: null,
    isTimestamped: true,
  },
  'standard-webhooks': {
    label: 'Standard Webhooks (Svix)',
    headers: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
    signedContent: '<webhook-id>.<webhook-timestamp>.<body>',
    signatureFormat: 'v1,<base64 HMAC-SHA256> (space-separated list)',
    secretFormat: 'whsec_<base64 of a 24 to 64 byte key>',
    deliveryIdHeader: 'webhook-id',
    isTimestamped: true,
  },
  token: {
    label: 'Token (GitLab, Telegram, any shared token)',
    headers: ['<name>, when the token is sent in a header'],
    signedContent: 'nothing is signed: the token is compared with a secret',
    signatureFormat: 'the token itself, in the header, query parameter or body field <name>',
    secretFormat: 'the token the sender is configured with',
    deliveryIdHeader: null,
    isTimestamped: false,
  },
  basic: {
    label: 'HTTP Basic authentication',
    headers: ['Authorization'],
    signedContent: 'nothing is signed: user and password are compared with a secret',
    signatureFormat: 'Basic <base64 of user:password>',
    secretFormat: 'user:password',
    deliveryIdHeader: null,
    isTimestamped: false,
  },
  hmac: {
    label: 'HMAC of the body, any header (generic)',
    headers: ['<header>'],
    signedContent: '<body>',
    signatureFormat: '<prefix><hex or base64 HMAC-<algorithm>>',
    secretFormat: 'any string, used as the HMAC key',
    deliveryIdHeader: null,
    isTimestamped: false,
  },
  twilio: {
    label: 'Twilio',
    headers: ['X-Twilio-Signature', 'I-Twilio-Idempotency-Token'],
    signedContent:
      '<URL called (PUBLIC_URL + path + query)> then each form parameter, sorted by name, as name then value',
    signatureFormat: '<base64 HMAC-SHA1>',
    secretFormat: "the account's Auth Token",
    deliveryIdHeader: 'I-Twilio-Idempotency-Token',
    isTimestamped: false,
  },
  meta: {
    label: 'Meta (WhatsApp Cloud API, Messenger, Instagram)',
    headers: ['X-Hub-Signature-256'],
    signedContent: '<body>',
    signatureFormat: 'sha256=<hex HMAC-SHA256>',
    secretFormat: "the app's App Secret (and a Verify Token of your choice for the subscription)",
    deliveryIdHeader: null,
    isTimestamped: false,
  },
  evolution: {
    label: 'Evolution API (v2 and Go)',
    headers: [],
    signedContent: 'nothing is signed: the body field apikey is compared with a secret',
    signatureFormat: 'the instance API key, in the body field apikey',
    secretFormat: "the instance's API key (apikey)",
    deliveryIdHeader: null,
    isTimestamped: false,
  },
};

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** What the key presets look at: the scheme, and the token's place (GitLab is a token scheme). */
export interface KeyPresetInput {
  scheme: VerificationScheme;
  name?: string | null;
}

const isGitLab = (verification: KeyPresetInput | null) =>
  verification?.scheme === 'token' && verification.name?.toLowerCase() === 'x-gitlab-token';

/** Headers read for the idempotency key, before the body paths, unless a trigger sets its own. */
export function defaultIdempotencyKeyHeaders(verification: KeyPresetInput | null): string[] {
  if (isGitLab(verification)) {
    return [IDEMPOTENCY_KEY_HEADER, 'X-Gitlab-Event-UUID'];
  }
  const deliveryId =
    verification === null ? null : SCHEME_DESCRIPTIONS[verification.scheme].deliveryIdHeader;
  return deliveryId === null ? [IDEMPOTENCY_KEY_HEADER] : [IDEMPOTENCY_KEY_HEADER, deliveryId];
}

// A WhatsApp Cloud API notification carries either messages or statuses; a status (sent,
// delivered, read) has the id of the message it reports on, so its key joins id and status:
// it is deduplicated neither against the message nor against the other statuses.
const META_VALUE = 'entry.0.changes.0.value';

/** Body paths of the scheme presets (SPEC §13); null: the general defaults. */
const PRESET_KEY_PATHS: Partial<Record<VerificationScheme, string[]>> = {
  evolution: ['data.key.id'],
  stripe: ['id'],
  slack: ['event_id'],
  meta: [
    `${META_VALUE}.messages.0.id`,
    `${META_VALUE}.statuses.0.id+${META_VALUE}.statuses.0.status`,
  ],
  twilio: ['MessageSid'],
};

/** Body paths read for the idempotency key unless a trigger sets its own. */
export function defaultIdempotencyKeyPaths(verification: KeyPresetInput | null): string[] {
  const preset = verification === null ? undefined : PRESET_KEY_PATHS[verification.scheme];
  return preset ?? [...DEFAULT_IDEMPOTENCY_KEY_PATHS];
}

/** A secret as the API shows it: the value is write-only. */
export interface VerificationSecretView {
  expiresAt: string | null;
}

/** A trigger's `verification` in API answers; fields of other schemes are null. */
export interface Verification {
  scheme: VerificationScheme;
  secrets: VerificationSecretView[];
  toleranceSeconds: number;
  /** `token` (and `evolution`, its preset): where the token is, and its header, parameter or path. */
  in: TokenLocation | null;
  name: string | null;
  /** `hmac`: the signature's header, algorithm, encoding and the prefix before it. */
  header: string | null;
  algorithm: HmacAlgorithm | null;
  encoding: SignatureEncoding | null;
  prefix: string | null;
  /** `meta`: whether a verify token for the subscription handshake is stored (write-only). */
  hasVerifyToken: boolean;
}

/**
 * A secret as sent to the API. Without `value` it keeps a stored secret: the n-th such item
 * keeps the trigger's n-th stored secret (with the `expiresAt` given), so a console that
 * never sees secrets can add a second one for rotation.
 */
export interface VerificationSecretInput {
  value?: string;
  expiresAt?: string | null;
}

export interface VerificationInput {
  scheme: VerificationScheme;
  secrets: VerificationSecretInput[];
  toleranceSeconds?: number;
  in?: TokenLocation;
  name?: string;
  header?: string;
  algorithm?: HmacAlgorithm;
  encoding?: SignatureEncoding;
  prefix?: string;
  /** `meta`: write-only; kept when left out on update. */
  verifyToken?: string;
}

/** Body paths removed before storage unless a trigger sets its own (SPEC §13). */
export function defaultRedactPaths(verification: KeyPresetInput | null): string[] {
  return verification?.scheme === 'evolution' ? [EVOLUTION_TOKEN.name] : [];
}
