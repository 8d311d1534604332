// Shapes of API answers for the component tests.
import type {
  DeadLetter,
  Execution,
  HttpAction,
  WhatsappAction,
  RejectionDetail,
  Stats,
  Trigger,
  Verification,
} from '@triggerline/contracts';

/** Quiet stats: nothing counted, no alerts. */
export function statsWith(overrides: Partial<Stats> = {}): Stats {
  return {
    windowDays: 1,
    since: '2026-01-01T00:00:00.000Z',
    total: 0,
    byStatus: {
      pending: 0,
      running: 0,
      failed_retryable: 0,
      succeeded: 0,
      dead_lettered: 0,
      replayed: 0,
      outcome_unknown: 0,
    },
    byActionType: { http: 0, whatsapp: 0 },
    dlqSize: 0,
    idempotentReplays: 0,
    idempotencyConflicts: 0,
    retriesObserved: 0,
    triggers: [],
    flowGroups: [],
    watermarkHit: false,
    alerts: [],
    series: [],
    rejected: {},
    filtered: 0,
    ...overrides,
  };
}

export function httpActionWith(overrides: Partial<HttpAction> = {}): HttpAction {
  return {
    type: 'http',
    url: 'http://target.test/orders',
    method: 'POST',
    headers: null,
    secretHeaderNames: [],
    body: 'payload',
    forwardHeaders: [],
    signing: null,
    timeoutMs: 10000,
    ...overrides,
  };
}

export function whatsappActionWith(overrides: Partial<WhatsappAction> = {}): WhatsappAction {
  return {
    type: 'whatsapp',
    provider: 'evolution-go',
    baseUrl: 'http://evolution.test',
    instance: null,
    phoneNumberId: null,
    toPath: 'phone',
    textTemplate: 'Hi',
    message: { kind: 'text', textTemplate: 'Hi' },
    typingDelayMs: null,
    reconcileAfterMs: 60000,
    timeoutMs: 10000,
    hasApiKey: true,
    ...overrides,
  };
}

export function httpTriggerWith(overrides: Partial<Trigger> = {}): Trigger {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    name: 'Orders',
    slug: 'orders',
    enabled: true,
    action: httpActionWith(),
    routes: [],
    retryPolicy: { maxAttempts: 3, baseDelayMs: 2000, maxDelayMs: 8000, jitterMs: 500 },
    idempotencyKeyPaths: ['messageId'],
    hasSecret: false,
    dailyWatermark: null,
    onDeadLetter: null,
    rateLimit: null,
    maxConcurrency: null,
    circuitBreaker: null,
    dailyWatermarkAction: 'alert',
    watermarkGroup: null,
    flowGroup: null,
    paused: false,
    circuit: { state: 'closed', consecutiveFailures: 0, openedAt: null, reopensAt: null },
    silenceAlertMinutes: null,
    onUnknownOutcome: 'retry',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    verification: null,
    idempotencyKeyHeaders: ['Idempotency-Key'],
    filter: null,
    redactPaths: [],
    classificationRules: [],
    hasOwnClassificationRules: false,
    orderingKeyPath: null,
    orderingOnDeadLetter: 'continue',
    deliveryWindow: null,
    delayMs: null,
    ...overrides,
  };
}

export function deadLetterWith(overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    id: '22222222-2222-4222-8222-222222222222',
    executionId: '33333333-3333-4333-8333-333333333333',
    triggerId: '11111111-1111-4111-8111-111111111111',
    triggerSlug: 'orders',
    payload: { messageId: 'm-1', phone: '+4915100000' },
    attemptCount: 1,
    firstAttemptAt: '2026-01-01T10:00:00.000Z',
    lastAttemptAt: '2026-01-01T10:00:00.000Z',
    lastError: 'HTTP 400',
    errorCategory: 'permanent',
    createdAt: '2026-01-01T10:00:01.000Z',
    resolvedAt: null,
    resolution: null,
    note: null,
    ...overrides,
  };
}

export function executionWith(overrides: Partial<Execution> = {}): Execution {
  return {
    id: '33333333-3333-4333-8333-333333333333',
    triggerId: '11111111-1111-4111-8111-111111111111',
    status: 'succeeded',
    idempotencyKey: 'm-1',
    payload: { messageId: 'm-1' },
    headers: {},
    attemptCount: 1,
    nextAttemptAt: null,
    lastError: null,
    errorCategory: null,
    replayOf: null,
    lastReplayAt: null,
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:01.000Z',
    finishedAt: '2026-01-01T10:00:01.000Z',
    duplicateCount: 0,
    conflictCount: 0,
    heldBy: null,
    routedFrom: null,
    traceId: null,
    orderingKey: null,
    windowTimezone: null,
    ...overrides,
  };
}

/** A refused delivery with its body; `Rejection` list items are the same without the body. */
export function rejectionWith(overrides: Partial<RejectionDetail> = {}): RejectionDetail {
  return {
    id: '44444444-4444-4444-8444-444444444444',
    triggerId: '11111111-1111-4111-8111-111111111111',
    triggerSlug: 'orders',
    reason: 'invalid_signature',
    receivedAt: '2026-01-01T10:00:00.000Z',
    sourceIp: '203.0.113.7',
    headers: { 'content-type': 'application/json', 'x-signature-256': '***' },
    bodyBytes: 21,
    retriedAt: null,
    retryResult: null,
    body: '{"messageId":"m-1"}',
    bodyEncoding: 'text',
    ...overrides,
  };
}

/** The `verification` fields of the configurable schemes, unset. */
export const NO_SCHEME_OPTIONS = {
  in: null,
  name: null,
  header: null,
  algorithm: null,
  encoding: null,
  prefix: null,
  hasVerifyToken: false,
} as const;

/** A stored verification with one secret without expiry; other schemes' fields unset. */
export function verificationWith(
  overrides: Partial<Verification> & Pick<Verification, 'scheme'>,
): Verification {
  return {
    ...NO_SCHEME_OPTIONS,
    secrets: [{ expiresAt: null }],
    toleranceSeconds: 300,
    ...overrides,
  };
}
