// Every `error` code of the API, one union per feature. This is the one list: each feature's
// `*.errors.ts` takes its union from here, and the API's exhaustive status mapping checks it.

/** Wrong with the request itself, whatever the route (apps/api/src/http/request.errors.ts). */
export type RequestErrorCode =
  | 'validation_failed'
  | 'invalid_id'
  | 'invalid_body'
  | 'invalid_url'
  | 'unauthorized'
  | 'not_found'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unavailable';

export type TriggerErrorCode =
  | 'trigger_not_found'
  | 'slug_taken'
  | 'trigger_has_open_work'
  /** A rename or deletion that would leave routes naming a trigger that is gone (SPEC §14). */
  | 'trigger_routed_to';

export type IngestErrorCode =
  | 'trigger_disabled'
  | 'invalid_signature'
  | 'signature_expired'
  | 'loop_detected'
  /** Meta's subscription handshake with a wrong verify token (SPEC §13). */
  | 'invalid_verify_token'
  | 'rejection_not_found';

export type ExecutionErrorCode =
  | 'execution_not_found'
  | 'not_replayable'
  | 'rate_limited'
  /** The replay preview: the worker could not build the request (no recipient, no value). */
  | 'replay_would_fail'
  /** Confirm: only an outcome_unknown execution can be confirmed. */
  | 'not_unknown';

export type DeadLetterErrorCode = 'dead_letter_not_found' | 'already_resolved';

/** Flow groups (SPEC §15). */
export type FlowGroupErrorCode = 'flow_group_not_found' | 'flow_group_in_use';

export type RedriveErrorCode = 'redrive_not_found' | 'redrive_finished';

/** API tokens and roles (SPEC §10). */
export type AccessErrorCode = 'forbidden' | 'token_not_found';

/** A stored secret that none of the configured keys opens (SPEC §16): 503, never a 500. */
export type SecretsErrorCode = 'secret_unavailable';

/** Codes a feature raises on purpose; each maps to one HTTP status. */
export type DomainErrorCode =
  | AccessErrorCode
  | RequestErrorCode
  | TriggerErrorCode
  | IngestErrorCode
  | ExecutionErrorCode
  | DeadLetterErrorCode
  | RedriveErrorCode
  | FlowGroupErrorCode
  | SecretsErrorCode;

/** `bad_request`: another 4xx from the framework; `internal_error`: anything unexpected. */
export type ApiErrorCode = DomainErrorCode | 'bad_request' | 'internal_error';
