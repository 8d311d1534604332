// Verification of inbound webhooks (SPEC §10): the schemes, what each sender sends, and the
// JSON of a trigger's `verification`. Shared by the API (which checks) and the console
// (which tells the user how to set up the sender).

export const VERIFICATION_SCHEMES = [
  'hmac-sha256',
  'github',
  'stripe',
  'shopify',
  'slack',
  'standard-webhooks',
] as const;
export type VerificationScheme = (typeof VERIFICATION_SCHEMES)[number];

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
};

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Headers read for the idempotency key, before the body paths, unless a trigger sets its own. */
export function defaultIdempotencyKeyHeaders(scheme: VerificationScheme | null): string[] {
  const deliveryId = scheme === null ? null : SCHEME_DESCRIPTIONS[scheme].deliveryIdHeader;
  return deliveryId === null ? [IDEMPOTENCY_KEY_HEADER] : [IDEMPOTENCY_KEY_HEADER, deliveryId];
}

/** A secret as the API shows it: the value is write-only. */
export interface VerificationSecretView {
  expiresAt: string | null;
}

/** A trigger's `verification` in API answers. */
export interface Verification {
  scheme: VerificationScheme;
  secrets: VerificationSecretView[];
  toleranceSeconds: number;
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
}
