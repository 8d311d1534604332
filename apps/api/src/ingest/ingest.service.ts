import { Injectable, Logger } from '@nestjs/common';
import type { WebhookAccepted, WebhookDuplicate } from '@triggerline/contracts';
import { DeliveryOutcomeCounts } from '../rejections/delivery-outcome-counts.store';
import { isKept } from '../triggers/delivery-filter';
import { redactPaths } from './redact-paths';
import type { IncomingHttpHeaders } from 'node:http';
import { AppConfig } from '../config/app-config';
import { WorkSignal } from '../executions/work-signal';
import { DeliveriesStore } from '../executions/deliveries.store';
import { Metrics } from '../metrics/metrics';
import { RequestError } from '../http/request.errors';
import { IngestTargets } from '../triggers/ingest-targets';
import { TriggerError } from '../triggers/triggers.errors';
import { hashBody } from './body-hash';
import { headersOfInterest } from './delivery-headers';
import { extractIdempotencyKey, MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency-key';
import { IngestError } from './ingest.errors';
import { SecretBox } from '../secrets/secret-box';
import type { IngestTarget } from '../triggers/ingest-targets';
import {
  effectiveIdempotencyKeyHeaders,
  effectiveIdempotencyKeyPaths,
  effectiveRedactPaths,
  openVerification,
  openVerifyToken,
} from '../triggers/trigger-secrets';
import {
  isSameText,
  type VerificationFailure,
  verifySignature,
} from '../verification/verify-signature';
import { DEPTH_HEADER, isTooDeep, parseTriggerDepth } from './trigger-depth';

/** What the sender is answered: the status and the JSON body. */
export interface WebhookAnswer {
  httpStatus: number;
  body: unknown;
}

/** Slack's `url_verification` (signed like any event): its challenge, else null. */
function slackChallenge(trigger: IngestTarget, body: unknown): string | null {
  if (trigger.verification?.scheme !== 'slack' || typeof body !== 'object' || body === null) {
    return null;
  }
  const { type, challenge } = body as { type?: unknown; challenge?: unknown };
  return type === 'url_verification' && typeof challenge === 'string' ? challenge : null;
}

export interface Delivery {
  slug: string;
  body: unknown;
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  query: Record<string, unknown>;
  /** The request's path and query as received. */
  pathAndQuery: string;
  /** `<protocol>://<host>` as the request says; PUBLIC_URL, when set, is used instead. */
  origin: string;
}

@Injectable()
export class IngestService {
  private readonly logger = new Logger('Ingest');

  constructor(
    private readonly targets: IngestTargets,
    private readonly executions: DeliveriesStore,
    private readonly dispatchSignal: WorkSignal,
    private readonly metrics: Metrics,
    private readonly box: SecretBox,
    private readonly config: AppConfig,
    private readonly outcomeCounts: DeliveryOutcomeCounts,
  ) {}

  /** Injected for tests; real time otherwise. */
  now: () => Date = () => new Date();

  /** The whole pipeline of a delivery, answered as status and body (a retry reuses both). */
  async receive(delivery: Delivery): Promise<WebhookAnswer> {
    // First, before any lookup or deduplication: a loop is stopped whatever else is wrong.
    const depth = parseTriggerDepth(delivery.headers[DEPTH_HEADER]);
    if (isTooDeep(depth, this.config.maxTriggerDepth)) {
      throw new IngestError(
        'loop_detected',
        `X-Triggerline-Depth ${depth} is above MAX_TRIGGER_DEPTH (${this.config.maxTriggerDepth}): ` +
          'this delivery came through too many triggers, probably a loop.',
      );
    }
    const trigger = await this.targets.find(delivery.slug);
    if (trigger === null) {
      throw new TriggerError('trigger_not_found', `No trigger with slug "${delivery.slug}".`);
    }
    if (!trigger.enabled) {
      throw new IngestError('trigger_disabled', `The trigger "${trigger.slug}" is disabled.`);
    }
    this.verify(trigger, delivery);
    const challenge = slackChallenge(trigger, delivery.body);
    if (challenge !== null) {
      // Slack's url_verification is a handshake, not a delivery: it creates nothing.
      this.metrics.handshakes.inc({ scheme: 'slack', outcome: 'answered' });
      return { httpStatus: 200, body: { challenge } };
    }
    if (
      !isKept(trigger.filter, {
        body: delivery.body,
        headers: delivery.headers,
        query: delivery.query,
      })
    ) {
      this.metrics.deliveries.inc({ outcome: 'filtered' });
      await this.outcomeCounts.count(trigger.id, 'filtered');
      return { httpStatus: 200, body: { status: 'filtered' } };
    }
    const idempotencyKey = extractIdempotencyKey({
      headers: effectiveIdempotencyKeyHeaders(trigger).map(
        (name) => delivery.headers[name.toLowerCase()],
      ),
      payload: delivery.body,
      paths: effectiveIdempotencyKeyPaths(trigger),
    });
    if (idempotencyKey !== null && idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new RequestError(
        'invalid_body',
        `The idempotency key is longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`,
      );
    }
    const outcome = await this.executions.recordDelivery({
      triggerId: trigger.id,
      idempotencyKey,
      payload: redactPaths(delivery.body, effectiveRedactPaths(trigger)),
      headers: headersOfInterest(delivery.headers),
      bodySha256: hashBody(delivery.rawBody),
      depth,
    });
    const logFields = { slug: trigger.slug, executionId: outcome.executionId, idempotencyKey };
    this.metrics.deliveries.inc({ outcome: outcome.kind });
    if (outcome.kind === 'duplicate') {
      if (outcome.conflict) {
        this.logger.warn({ evt: 'webhook_key_conflict', ...logFields });
      } else {
        this.logger.log({ evt: 'webhook_duplicate', ...logFields });
      }
      const duplicate: WebhookDuplicate = {
        status: 'duplicate',
        executionId: outcome.executionId,
        conflict: outcome.conflict,
      };
      return { httpStatus: 200, body: duplicate };
    }
    this.logger.log({ evt: 'webhook_accepted', ...logFields });
    this.dispatchSignal.executionsAvailable();
    const accepted: WebhookAccepted = { status: 'accepted', executionId: outcome.executionId };
    return { httpStatus: 202, body: accepted };
  }

  /**
   * Meta's subscription handshake (`GET /hooks/:slug?hub.mode=subscribe&hub.verify_token=…
   * &hub.challenge=…`): the challenge when the token is the trigger's verify token. It creates
   * nothing; a trigger without the meta scheme has no such route (404).
   */
  async subscribe(slug: string, query: Record<string, unknown>): Promise<string> {
    const trigger = await this.targets.find(slug);
    if (trigger === null || trigger.verification?.scheme !== 'meta') {
      throw new RequestError('not_found', 'Not found.');
    }
    const expected = openVerifyToken(trigger, this.box);
    const token = query['hub.verify_token'];
    const challenge = query['hub.challenge'];
    const isVerified =
      query['hub.mode'] === 'subscribe' &&
      typeof token === 'string' &&
      typeof challenge === 'string' &&
      expected !== null &&
      isSameText(token, expected);
    this.metrics.handshakes.inc({ scheme: 'meta', outcome: isVerified ? 'answered' : 'refused' });
    if (!isVerified) {
      throw new IngestError(
        'invalid_verify_token',
        "The verify token is missing or is not the trigger's verify token.",
      );
    }
    return challenge;
  }

  private verify(trigger: IngestTarget, delivery: Delivery): void {
    const verification = openVerification(trigger, this.box);
    if (verification === null) {
      return;
    }
    const result = verifySignature({
      scheme: verification.scheme,
      secrets: verification.secrets,
      toleranceSeconds: verification.toleranceSeconds,
      options: verification,
      request: {
        headers: delivery.headers,
        rawBody: delivery.rawBody,
        body: delivery.body,
        query: delivery.query,
        url: `${this.config.publicUrl ?? delivery.origin}${delivery.pathAndQuery}`,
      },
      now: this.now(),
    });
    if (!result.ok) {
      throw new IngestError(result.failure, FAILURE_MESSAGES[result.failure]);
    }
  }
}

const FAILURE_MESSAGES: Record<VerificationFailure, string> = {
  invalid_signature: 'The signature is missing or wrong.',
  signature_expired: "The signed timestamp is outside the trigger's tolerance.",
};
