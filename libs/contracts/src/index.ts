// JSON shapes of the Triggerline HTTP API, typed once for the API and the admin console.
// Plain TypeScript only: no decorators, no ORM types.

import type { ApiErrorCode } from './error-codes';
import type {
  Circuit,
  CircuitOpenAlert,
  CircuitState,
  FlowControlSettings,
  HeldReason,
} from './flow-control';
import type { Verification } from './verification';
import type { DeliveryOrderSettings } from './delivery-order';
import type { DeliveryFilter, RejectionReason, TriggerRejectingAlert } from './receiving';

export * from './access';
export * from './flow-control';
export * from './verification';
export * from './receiving';
export type * from './routing';
export * from './delivery-order';
import type { OutcomeUnknownAlert, UnknownOutcomePolicy } from './lifecycle';
import type { WhatsappMessage, WhatsappProvider } from './rules/whatsapp-request';
import type { ClassificationRule } from './rules/classification-rules';
import type { AttemptReconciliation } from './rules/whatsapp-reconciliation';
import type { FlowGroupStats, GroupWatermarkAlert } from './flow-groups';

export const EXECUTION_STATUSES = [
  'pending',
  'running',
  'failed_retryable',
  'succeeded',
  'dead_lettered',
  'replayed',
  'outcome_unknown',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const ERROR_CATEGORIES = ['transient', 'permanent'] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

/** `unknown`: the request was written completely but no response status came back. */
export const ATTEMPT_OUTCOMES = ['success', 'transient', 'permanent', 'unknown'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

export const DEAD_LETTER_RESOLUTIONS = [
  'replayed',
  'ignored',
  'handled_by_script',
  'handler_failed',
] as const;
export type DeadLetterResolution = (typeof DEAD_LETTER_RESOLUTIONS)[number];

/** Resolutions an operator may choose by hand; `replayed` is set by a replay. */
export const MANUAL_RESOLUTIONS = ['ignored', 'handled_by_script', 'handler_failed'] as const;
export type ManualResolution = (typeof MANUAL_RESOLUTIONS)[number];

export const ACTION_TYPES = ['http', 'whatsapp'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export const HTTP_METHODS = ['POST', 'PUT', 'PATCH'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface HttpAction {
  type: 'http';
  url: string;
  method: HttpMethod;
  headers: Record<string, string> | null;
  /** Names of the write-only secret headers; their values are never returned. */
  secretHeaderNames: string[];
  /** `"payload"` (the stored JSON payload), `"raw"` (the bytes received) or a JSON template. */
  body: HttpBodyMode;
  /** Request header names copied from the delivery. */
  forwardHeaders: string[];
  /** Outbound signing; its secret is write-only. */
  signing: { scheme: OutboundSigningScheme; hasSecret: boolean } | null;
  timeoutMs: number;
}

export const OUTBOUND_SIGNING_SCHEMES = ['standard-webhooks'] as const;
export type OutboundSigningScheme = (typeof OUTBOUND_SIGNING_SCHEMES)[number];

/**
 * An http action's body (SPEC §14): the stored payload, the delivery's bytes as received, or a
 * JSON template whose `"{{path}}"` strings are filled from the payload.
 */
export type HttpBodyMode = 'payload' | 'raw' | Record<string, unknown> | unknown[];

/** At most this many header names in `forwardHeaders`. */
export const MAX_FORWARD_HEADERS = 20;

/** As returned by the API: `apiKey` is write-only and never part of a response. */
export interface WhatsappAction {
  type: 'whatsapp';
  /** SPEC §15: the effective provider (`evolution-go` for v1 triggers). */
  provider: WhatsappProvider;
  baseUrl: string;
  instance: string | null;
  phoneNumberId: string | null;
  toPath: string;
  /** v1's shorthand; null when `message` is not a text message. */
  textTemplate: string | null;
  /** The effective message (v1's `textTemplate` as a text message). */
  message: WhatsappMessage;
  typingDelayMs: number | null;
  /**
   * SPEC §15: when an `outcome_unknown` execution is first asked about at the gateway (the
   * effective value); null for a provider without a message status route.
   */
  reconcileAfterMs: number | null;
  timeoutMs: number;
  hasApiKey: boolean;
}

export type Action = HttpAction | WhatsappAction;

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  jitterMs: number;
}

/** A route of a trigger: `trigger` (a slug) gets an execution of deliveries `filter` keeps. */
export interface TriggerRoute {
  trigger: string;
  filter: DeliveryFilter | null;
}

export const MAX_ROUTES = 20;

export interface Trigger {
  id: string;
  name: string;
  slug: string;
  enabled: boolean;
  /** null: a pure router (SPEC §14), which gets no execution of its own. */
  action: Action | null;
  /** Triggers that also get an execution of each delivery this one accepts (SPEC §14). */
  routes: TriggerRoute[];
  retryPolicy: RetryPolicy;
  idempotencyKeyPaths: string[];
  hasSecret: boolean;
  dailyWatermark: number | null;
  onDeadLetter: string | null;
  /** Minutes without a delivery after which `trigger_silent` is raised; null: never. */
  silenceAlertMinutes: number | null;
  /** The effective value: the stored one, else the action type's default. */
  onUnknownOutcome: UnknownOutcomePolicy;
  createdAt: string;
  updatedAt: string;
  // §10 verification and access
  verification: Verification | null;
  /** Effective list: the trigger's own, or the scheme's default. */
  idempotencyKeyHeaders: string[];
  // §13 receiving
  /** Deliveries that do not match are answered 200 filtered and create nothing; null: all kept. */
  filter: DeliveryFilter | null;
  /** Effective body paths removed before storage (the evolution scheme's default: apikey). */
  redactPaths: string[];
  // §7 flow control
  rateLimit: FlowControlSettings['rateLimit'];
  maxConcurrency: FlowControlSettings['maxConcurrency'];
  circuitBreaker: FlowControlSettings['circuitBreaker'];
  dailyWatermarkAction: FlowControlSettings['dailyWatermarkAction'];
  watermarkGroup: FlowControlSettings['watermarkGroup'];
  /** SPEC §15: the flow group whose limits bind this trigger too; `watermarkGroup` is its alias. */
  flowGroup: string | null;
  /** A paused trigger accepts deliveries and starts no attempt until resumed. */
  paused: boolean;
  circuit: Circuit;
  // §15 WhatsApp delivery
  /** Effective list: the trigger's own, or its provider's documented defaults (http: none). */
  classificationRules: ClassificationRule[];
  /** True when `classificationRules` are the trigger's own rather than the defaults. */
  hasOwnClassificationRules: boolean;
  orderingKeyPath: DeliveryOrderSettings['orderingKeyPath'];
  orderingOnDeadLetter: DeliveryOrderSettings['orderingOnDeadLetter'];
  deliveryWindow: DeliveryOrderSettings['deliveryWindow'];
  delayMs: DeliveryOrderSettings['delayMs'];
}

export interface Attempt {
  number: number;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  outcome: AttemptOutcome | null;
  httpStatus: number | null;
  error: string | null;
  responseExcerpt: string | null;
  /** SPEC §15: the gateway asked about this attempt's unknown outcome; null: never asked. */
  reconciliation: AttemptReconciliation | null;
}

export interface Execution {
  id: string;
  triggerId: string;
  status: ExecutionStatus;
  idempotencyKey: string | null;
  payload: unknown;
  headers: Record<string, string>;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  errorCategory: ErrorCategory | null;
  replayOf: string | null;
  /** The trigger whose delivery created this execution through a route (SPEC §14); else null. */
  routedFrom: string | null;
  lastReplayAt: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** Later deliveries of the same key, and those of them whose body differed. */
  duplicateCount: number;
  conflictCount: number;
  /** §7: why flow control last held it back although its time had come; null once it runs. */
  heldBy: HeldReason | null;
  /** SPEC §18: the OpenTelemetry trace of the delivery and its attempts; null when not traced. */
  traceId: string | null;
  /** §15: the value at the trigger's `orderingKeyPath` when it was accepted; null: unordered. */
  orderingKey: string | null;
  /** With `heldBy: "window"`: the window's time zone (`nextAttemptAt` is its next opening). */
  windowTimezone: string | null;
  attempts?: Attempt[];
}

export interface DeadLetter {
  id: string;
  executionId: string;
  triggerId: string;
  triggerSlug: string;
  payload: unknown;
  attemptCount: number;
  firstAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastError: string | null;
  errorCategory: ErrorCategory | null;
  createdAt: string;
  resolvedAt: string | null;
  resolution: DeadLetterResolution | null;
  note: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface TriggerList {
  items: Trigger[];
}

export interface WebhookAccepted {
  status: 'accepted';
  /** The first of `executionIds`. */
  executionId: string;
  /** The trigger's own execution first (when it has an action), then its routes'. */
  executionIds: string[];
}

export interface WebhookDuplicate {
  status: 'duplicate';
  executionId: string;
  /** The executions the original delivery created. */
  executionIds: string[];
  /** True when the body differs (SHA-256) from the original's. */
  conflict: boolean;
}

export interface ReplayAccepted {
  executionId: string;
}

/** `GET /api/executions/:id/replay-preview`: what a replay would send now, secrets as `***`. */
export interface ReplayPreview {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  /** The JSON value sent. */
  body: unknown;
}

export interface BulkReplayResult {
  matched: number;
  replayed: number;
  skipped: number;
}

export interface WatermarkAlert {
  code: 'watermark_hit';
  triggerId: string;
  count: number;
  threshold: number;
}

export interface DlqGrowingAlert {
  code: 'dlq_growing';
  dlqSize: number;
  threshold: number;
}

/**
 * No delivery reached an enabled trigger for `thresholdMinutes`. `lastDeliveryAt` is the last
 * webhook received (accepted or duplicate), or the trigger's creation when it never got one.
 */
export interface TriggerSilentAlert {
  code: 'trigger_silent';
  triggerId: string;
  lastDeliveryAt: string;
  thresholdMinutes: number;
}

/** SPEC §15: a classification rule with outcome `pause` paused the trigger; up until resumed. */
export interface TriggerPausedByRuleAlert {
  code: 'trigger_paused_by_rule';
  triggerId: string;
  /** The rule that matched, as configured. */
  rule: ClassificationRule;
  at: string;
}

export type Alert =
  | TriggerPausedByRuleAlert
  | WatermarkAlert
  | GroupWatermarkAlert
  | DlqGrowingAlert
  | TriggerSilentAlert
  | OutcomeUnknownAlert
  | CircuitOpenAlert
  | TriggerRejectingAlert;

export interface TriggerStats {
  id: string;
  slug: string;
  executions24h: number;
  dailyWatermark: number | null;
  watermarkHit: boolean;
  // §7 flow control
  /** Due executions not yet running, held ones included. */
  backlog: number;
  paused: boolean;
  circuitState: CircuitState;
}

/** Executions created in one bucket of the stats window (an hour for days=1, else a day). */
export interface ExecutionBucket {
  start: string;
  total: number;
  /** Of `total`, those that are dead-lettered now. */
  deadLettered: number;
}

export interface Stats {
  windowDays: number;
  since: string;
  total: number;
  byStatus: Record<ExecutionStatus, number>;
  byActionType: Record<ActionType, number>;
  dlqSize: number;
  idempotentReplays: number;
  /** Of `idempotentReplays`, those whose body differed from the original's. */
  idempotencyConflicts: number;
  retriesObserved: number;
  triggers: TriggerStats[];
  /** SPEC §15: every flow group, its first attempts counted against its own watermark. */
  flowGroups: FlowGroupStats[];
  /** True while a trigger's or a flow group's watermark is hit. */
  watermarkHit: boolean;
  alerts: Alert[];
  /** Every bucket of the window, oldest first, the first starting at `since`. */
  series: ExecutionBucket[];
  /** Deliveries refused in the window, by reason (SPEC §13). */
  rejected: Partial<Record<RejectionReason, number>>;
  /** Deliveries that passed verification but not the trigger's filter, in the window. */
  filtered: number;
}

/** Every error answer of the API. */
export interface ApiErrorBody {
  error: ApiErrorCode;
  message: string;
  details?: string[];
  retryAfterSeconds?: number;
}

/** `GET /api/triggers/:id/retry-schedule`: times counted from the start of the first attempt. */
export interface RetrySchedule {
  attempts: { number: number; earliestMs: number; latestMs: number }[];
  worstCaseMs: number;
}

export type * from './error-codes';
export type * from './requests';
export * from './redrives';
export type * from './config-as-code';
export * from './flow-groups';

// Rules the API and the console both apply, written once (pure functions, tested beside them).
export * from './rules/action-defaults';
export * from './rules/body-template';
export * from './rules/credential-header';
export * from './rules/dead-letter-glob';
export * from './rules/http-header';
export * from './rules/idempotency-key-paths';
export * from './rules/payload-path';
export * from './rules/replayable';
export * from './rules/retry-policy';
export * from './rules/retry-schedule';
export * from './rules/slug';
export * from './rules/whatsapp-message';
export * from './rules/whatsapp-request';
export * from './rules/whatsapp-reconciliation';
export * from './rules/classification-rules';
export * from './lifecycle';
