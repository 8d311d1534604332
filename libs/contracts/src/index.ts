// JSON shapes of the Triggerline HTTP API, typed once for the API and the admin console.
// Plain TypeScript only: no decorators, no ORM types.

export const EXECUTION_STATUSES = [
  'pending',
  'running',
  'failed_retryable',
  'succeeded',
  'dead_lettered',
  'replayed',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const ERROR_CATEGORIES = ['transient', 'permanent'] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export const ATTEMPT_OUTCOMES = ['success', 'transient', 'permanent'] as const;
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
  timeoutMs: number;
}

/** As returned by the API: `apiKey` is write-only and never part of a response. */
export interface WhatsappAction {
  type: 'whatsapp';
  baseUrl: string;
  toPath: string;
  textTemplate: string;
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

export interface Trigger {
  id: string;
  name: string;
  slug: string;
  enabled: boolean;
  action: Action;
  retryPolicy: RetryPolicy;
  idempotencyKeyPaths: string[];
  hasSecret: boolean;
  dailyWatermark: number | null;
  onDeadLetter: string | null;
  createdAt: string;
  updatedAt: string;
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
  lastReplayAt: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
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
  executionId: string;
}

export interface WebhookDuplicate {
  status: 'duplicate';
  executionId: string;
}

export interface ReplayAccepted {
  executionId: string;
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

export type Alert = WatermarkAlert | DlqGrowingAlert;

export interface TriggerStats {
  id: string;
  slug: string;
  executions24h: number;
  dailyWatermark: number | null;
  watermarkHit: boolean;
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
  retriesObserved: number;
  triggers: TriggerStats[];
  watermarkHit: boolean;
  alerts: Alert[];
  /** Every bucket of the window, oldest first, the first starting at `since`. */
  series: ExecutionBucket[];
}

/** Every error answer of the API. */
export interface ApiErrorBody {
  error: string;
  message: string;
  details?: string[];
  retryAfterSeconds?: number;
}
