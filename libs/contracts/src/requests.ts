// Bodies the API accepts, typed once: the API's DTO classes implement them, the console sends them.
import type {
  ErrorCategory,
  HttpBodyMode,
  HttpMethod,
  ManualResolution,
  OutboundSigningScheme,
  RetryPolicy,
} from './index';
import type { CircuitBreakerPolicy, RateLimit, WatermarkAction } from './flow-control';
import type { VerificationInput } from './verification';
import type { DeliveryFilter } from './receiving';
import type { UnknownOutcomePolicy } from './lifecycle';
import type { WhatsappMessage, WhatsappProvider } from './rules/whatsapp-request';
import type { ClassificationRule } from './rules/classification-rules';
import type { DeliveryWindow, OrderingDeadLetterPolicy } from './delivery-order';

export interface HttpActionRequest {
  type: 'http';
  url: string;
  method?: HttpMethod;
  /** Sent as they are, and shown to every reader: credential-looking names go to secretHeaders. */
  headers?: Record<string, string>;
  /**
   * Write-only, sealed (SPEC §14). Given: the action's secret headers become exactly these
   * names, each set to its string or, for `null`, keeping its stored value. Left out: all kept.
   */
  secretHeaders?: Record<string, string | null>;
  /** What is sent (SPEC §14): default `"payload"`. */
  body?: HttpBodyMode;
  /** Request header names copied from the delivery to the outbound request. */
  forwardHeaders?: string[];
  /**
   * Outbound signing (SPEC §14): `secret` (`whsec_` + base64) is write-only and sealed; left out,
   * the stored one is kept. `null` removes signing; the whole field left out keeps it.
   */
  signing?: { scheme: OutboundSigningScheme; secret?: string } | null;
  timeoutMs?: number;
}

export interface WhatsappActionRequest {
  type: 'whatsapp';
  /** Required, except for `meta-cloud` (default https://graph.facebook.com/v21.0). */
  baseUrl?: string;
  /** Write-only; kept when left out on update. */
  apiKey?: string;
  toPath: string;
  /** v1's shorthand for `message: { kind: "text", textTemplate }`; give one of the two. */
  textTemplate?: string;
  /** SPEC §15; default `evolution-go`. */
  provider?: WhatsappProvider;
  /** Required by `evolution-v2`. */
  instance?: string;
  /** Required by `meta-cloud`. */
  phoneNumberId?: string;
  message?: WhatsappMessage;
  /** Sent as the provider's `delay` where it has one. */
  typingDelayMs?: number;
  /** `evolution-go` only: when an unknown outcome is first asked about (default 60000). */
  reconcileAfterMs?: number;
  timeoutMs?: number;
}

export type ActionRequest = HttpActionRequest | WhatsappActionRequest;

/** `POST /api/triggers`; a field left out takes its default. */
export interface CreateTriggerRequest {
  name: string;
  slug: string;
  enabled?: boolean;
  /** null: a pure router, which needs routes. */
  action: ActionRequest | null;
  /** SPEC §14: at most MAX_ROUTES; a routed-to trigger cannot have routes itself. */
  routes?: { trigger: string; filter?: DeliveryFilter | null }[];
  /** Any field left out takes the configured default (RETRY_* variables). */
  retryPolicy?: Partial<RetryPolicy>;
  /** null: the verification scheme's preset (SPEC §13). */
  idempotencyKeyPaths?: string[] | null;
  /** SPEC §13: null keeps every delivery. */
  filter?: DeliveryFilter | null;
  /** SPEC §13: body paths removed before storage; null: the scheme's default. */
  redactPaths?: string[] | null;
  /** Write-only shorthand for an `hmac-sha256` verification; `null` removes the verification. */
  secret?: string | null;
  /** Give either this or `secret`; `null` removes it. */
  verification?: VerificationInput | null;
  /** `null`: `Idempotency-Key` plus the scheme's delivery-id header. */
  idempotencyKeyHeaders?: string[] | null;
  dailyWatermark?: number | null;
  onDeadLetter?: string | null;
  /** 1..10080; `null`: no silence alert. */
  silenceAlertMinutes?: number | null;
  /** `null`: the action type's default (hold for whatsapp, retry for http). */
  onUnknownOutcome?: UnknownOutcomePolicy | null;
  // §7 flow control; `null` switches a control off.
  rateLimit?: RateLimit | null;
  maxConcurrency?: number | null;
  circuitBreaker?: CircuitBreakerPolicy | null;
  dailyWatermarkAction?: WatermarkAction;
  /** The alias of `flowGroup` (SPEC §7's name); give one of the two, or both equal. */
  watermarkGroup?: string | null;
  /** SPEC §15: a flow group that exists; `null` leaves the group. */
  flowGroup?: string | null;
  /** SPEC §15: at most 20, first match wins; `null`: the provider's defaults. */
  classificationRules?: ClassificationRule[] | null;
  // §15 delivery order; `null` switches it off.
  /** Payload path of the ordering key: one execution per key at a time, in acceptance order. */
  orderingKeyPath?: string | null;
  /** Default `continue`: a dead-lettered predecessor releases its key; `block` keeps it blocked. */
  orderingOnDeadLetter?: OrderingDeadLetterPolicy;
  /** `days` left out or null: every day. */
  deliveryWindow?: (Omit<DeliveryWindow, 'days'> & { days?: number[] | null }) | null;
  /** 0..MAX_DELAY_MS. */
  delayMs?: number | null;
}

/** `PATCH /api/triggers/:id`: only the fields given change. */
export type UpdateTriggerRequest = Partial<CreateTriggerRequest>;

/** `POST /api/dead-letters/:id/resolve`. */
export interface ResolveDeadLetterRequest {
  resolution: ManualResolution;
  note?: string;
}

/** `POST /api/dead-letters/replay`: which unresolved dead letters; every filter given must match. */
export interface BulkReplayRequest {
  ids?: string[];
  triggerId?: string;
  errorCategory?: ErrorCategory;
  /** Dead-lettered at or after. */
  from?: string;
  /** Dead-lettered before. */
  to?: string;
  /** Count the matches, replay nothing. */
  dryRun?: boolean;
}
