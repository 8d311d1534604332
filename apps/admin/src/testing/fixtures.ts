// Shapes of API answers for the component tests.
import type { DeadLetter, HttpAction, Stats, Trigger } from '@triggerline/contracts';

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
