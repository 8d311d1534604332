// SPEC §13: filters, redaction and the log of refused deliveries, typed once for the API and
// the console.

/** A MongoDB-style query over `{ body, headers, query }` of a delivery (sift's operators). */
export type DeliveryFilter = Record<string, unknown>;

/** Operators a filter may use; anything else (`$where` above all) is refused. */
export const FILTER_OPERATORS = [
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$exists',
  '$regex',
  '$options',
  '$and',
  '$or',
  '$nor',
  '$not',
  '$all',
  '$size',
  '$elemMatch',
  '$type',
] as const;

/** `POST /hooks/:slug` answer for a delivery that passed verification but not the filter. */
export interface WebhookFiltered {
  status: 'filtered';
}

/** Why a delivery to an existing trigger was refused; each is kept as a rejection. */
export const REJECTION_REASONS = [
  'invalid_signature',
  'signature_expired',
  'invalid_body',
  'payload_too_large',
  'unsupported_media_type',
  'trigger_disabled',
  'loop_detected',
  'invalid_verify_token',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** What a retried rejection got: what a sender would have got, status and body. */
export interface RejectionRetryResult {
  httpStatus: number;
  body: unknown;
}

/** `GET /api/rejections` item. Credential-looking header values read `"***"`. */
export interface Rejection {
  id: string;
  triggerId: string;
  triggerSlug: string;
  reason: RejectionReason;
  receivedAt: string;
  sourceIp: string | null;
  headers: Record<string, string>;
  bodyBytes: number;
  retriedAt: string | null;
  retryResult: RejectionRetryResult | null;
}

/** `GET /api/rejections/:id`: with the body (redacted paths and body tokens as `"***"`). */
export interface RejectionDetail extends Rejection {
  body: string;
  bodyEncoding: 'text' | 'base64';
}

/** Alert: a trigger refused more than REJECTION_ALERT_THRESHOLD deliveries in 15 minutes. */
export interface TriggerRejectingAlert {
  code: 'trigger_rejecting';
  triggerId: string;
  count: number;
  /** The most frequent reason of the window. */
  reason: RejectionReason;
}

/** `POST /api/triggers/:id/filter-test`: does a filter keep a stored delivery of the trigger? */
export interface FilterTestRequest {
  filter: DeliveryFilter;
  executionId: string;
}

export interface FilterTestResult {
  matches: boolean;
}
