import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type {
  ClassificationRule,
  DeliveryWindow,
  OrderingDeadLetterPolicy,
  CircuitBreakerPolicy,
  HmacAlgorithm,
  HttpBodyMode,
  HttpMethod,
  OutboundSigningScheme,
  SignatureEncoding,
  TokenLocation,
  RateLimit,
  RetryPolicy,
  UnknownOutcomePolicy,
  VerificationScheme,
  WatermarkAction,
  WhatsappSendSettings,
} from '@triggerline/contracts';

/** A trigger's verification as stored: each secret sealed (see SecretBox), never returned. */
export interface StoredVerification {
  scheme: VerificationScheme;
  secrets: { value: string; expiresAt: string | null }[];
  toleranceSeconds: number;
  /** `token`: where the token is; `name`: its header, query parameter or body path. */
  in?: TokenLocation;
  name?: string;
  /** `hmac`: the signature's header, algorithm, encoding and prefix. */
  header?: string;
  algorithm?: HmacAlgorithm;
  encoding?: SignatureEncoding;
  prefix?: string;
  /** `meta`: the subscription handshake's verify token, sealed. */
  verifyToken?: string;
}

/**
 * An action as stored: `apiKey` and every `secretHeaders` value sealed (see SecretBox), never
 * returned by the API (triggers/stored-secrets.ts lists every sealed field).
 */
export type StoredAction =
  | {
      type: 'http';
      url: string;
      method: HttpMethod;
      headers: Record<string, string> | null;
      /** Absent on rows written before SPEC §14. */
      secretHeaders?: Record<string, string> | null;
      /** What is sent; absent on rows written before SPEC §14: the payload. */
      body?: HttpBodyMode;
      /** Delivery header names copied to the request; absent: none. */
      forwardHeaders?: string[];
      /** Outbound signing, its secret sealed; absent or null: requests are not signed. */
      signing?: { scheme: OutboundSigningScheme; secret: string } | null;
      timeoutMs: number;
    }
  | (WhatsappSendSettings & {
      type: 'whatsapp';
      apiKey: string | null;
      timeoutMs: number;
    });

/** A `pause` classification rule that paused the trigger, kept until it is resumed. */
export interface StoredRulePause {
  rule: ClassificationRule;
  at: string;
}

/** A route as stored: the routed-to trigger's slug and the §13 filter deliveries must pass. */
export interface StoredRoute {
  trigger: string;
  filter: Record<string, unknown> | null;
}

// Declares the whole table as the migrations create it (CHECK included), so that TypeORM's
// schema diff finds nothing to change; test/medium/schema.medium-spec.ts proves it.
@Entity({ name: 'triggers' })
@Check('triggers_daily_watermark_check', 'daily_watermark IS NULL OR daily_watermark >= 0')
@Check('triggers_silence_alert_minutes_check', 'silence_alert_minutes BETWEEN 1 AND 10080')
@Check('triggers_on_unknown_outcome_check', `on_unknown_outcome IN ('retry', 'hold')`)
@Check('triggers_max_concurrency_check', 'max_concurrency BETWEEN 1 AND 1000')
@Check('triggers_daily_watermark_action_check', "daily_watermark_action IN ('alert', 'hold')")
@Check('triggers_ordering_on_dead_letter_check', "ordering_on_dead_letter IN ('continue', 'block')")
@Check('triggers_delay_ms_check', 'delay_ms >= 0')
export class TriggerEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Human name shown in the console. */
  @Column({ type: 'text' })
  name: string;

  /** Path segment of the webhook URL (`/hooks/:slug`); unique. */
  @Column({ type: 'text', unique: true })
  slug: string;

  /** Disabled triggers refuse new deliveries with 409; accepted ones still run. */
  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** What an execution does; see StoredAction. null: a pure router, never executed itself. */
  @Column({ type: 'jsonb', nullable: true })
  action: StoredAction | null;

  /** Triggers (by slug) that also get an execution of each delivery kept by their filter. */
  @Column({ type: 'jsonb', nullable: true })
  routes: StoredRoute[] | null;

  /** Attempts and backoff for this trigger's executions. */
  @Column({ type: 'jsonb', name: 'retry_policy' })
  retryPolicy: RetryPolicy;

  /** Deliveries that do not match this query over { body, headers, query } are filtered out. */
  @Column({ type: 'jsonb', nullable: true })
  filter: Record<string, unknown> | null;

  /** Body paths removed before a delivery is stored; null: the verification scheme's default. */
  @Column({ type: 'text', array: true, nullable: true, name: 'redact_paths' })
  redactPaths: string[] | null;

  /** Payload paths searched, in order, for the idempotency key after the headers; null: the scheme's preset. */
  @Column({ type: 'text', array: true, nullable: true, name: 'idempotency_key_paths' })
  idempotencyKeyPaths: string[] | null;

  /** v1's plain HMAC key; moved, sealed, into `verification` at start, so null afterwards. */
  @Column({ type: 'text', nullable: true })
  secret: string | null;

  /** How deliveries are authenticated (scheme, sealed secrets, tolerance); null = unsigned. */
  @Column({ type: 'jsonb', nullable: true })
  verification: StoredVerification | null;

  /** Headers read for the idempotency key before the body paths; null = the scheme's default. */
  @Column({ type: 'text', array: true, nullable: true, name: 'idempotency_key_headers' })
  idempotencyKeyHeaders: string[] | null;

  /** Executions over 24 hours above which the watermark alert fires; null means none. */
  @Column({ type: 'integer', nullable: true, name: 'daily_watermark' })
  dailyWatermark: number | null;

  /** Glob of trigger slugs whose dead letters this trigger handles. */
  @Column({ type: 'text', nullable: true, name: 'on_dead_letter' })
  onDeadLetter: string | null;

  /** Minutes without a delivery after which the trigger_silent alert is raised; null: never. */
  @Column({ type: 'integer', nullable: true, name: 'silence_alert_minutes' })
  silenceAlertMinutes: number | null;
  /** After a request sent without a status back: retry, or hold for an operator; null = by action type. */
  @Column({ type: 'text', nullable: true, name: 'on_unknown_outcome' })
  onUnknownOutcome: UnknownOutcomePolicy | null;

  /** At most `limit` attempt starts in any window of `periodMs`, across workers; null is off. */
  @Column({ type: 'jsonb', nullable: true, name: 'rate_limit' })
  rateLimit: RateLimit | null;

  /** At most this many attempts in flight at once, across workers; null is off. */
  @Column({ type: 'integer', nullable: true, name: 'max_concurrency' })
  maxConcurrency: number | null;

  /** When consecutive transient failures open the circuit, and for how long; null is off. */
  @Column({ type: 'jsonb', nullable: true, name: 'circuit_breaker' })
  circuitBreaker: CircuitBreakerPolicy | null;

  /** `hold`: first attempts above dailyWatermark per rolling 24 h wait; `alert`: they only alert. */
  @Column({ type: 'text', name: 'daily_watermark_action', default: 'alert' })
  dailyWatermarkAction: WatermarkAction;

  /** Triggers sharing a group share one watermark count (one WhatsApp number behind several). */
  @Column({ type: 'text', nullable: true, name: 'watermark_group' })
  watermarkGroup: string | null;

  /** A paused trigger accepts deliveries and starts no attempt until resumed. */
  @Column({ type: 'boolean', default: false })
  paused: boolean;

  /** Response rules applied before the built-in classifier, first match wins; null: the provider's. */
  @Column({ type: 'jsonb', nullable: true, name: 'classification_rules' })
  classificationRules: ClassificationRule[] | null;

  /** The `pause` rule that paused the trigger, and when; cleared on resume. */
  @Column({ type: 'jsonb', nullable: true, name: 'paused_by_rule' })
  pausedByRule: StoredRulePause | null;

  /** Payload path of the key whose executions run one at a time, in acceptance order; null: none. */
  @Column({ type: 'text', nullable: true, name: 'ordering_key_path' })
  orderingKeyPath: string | null;

  /** `continue`: a dead-lettered execution releases its ordering key; `block`: until resolved. */
  @Column({ type: 'text', name: 'ordering_on_dead_letter', default: 'continue' })
  orderingOnDeadLetter: OrderingDeadLetterPolicy;

  /** When attempts may start, in a time zone; null: any time. */
  @Column({ type: 'jsonb', nullable: true, name: 'delivery_window' })
  deliveryWindow: DeliveryWindow | null;

  /** No attempt before an execution's acceptance plus this; null: none. */
  @Column({ type: 'integer', nullable: true, name: 'delay_ms' })
  delayMs: number | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
