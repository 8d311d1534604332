import { Injectable, Logger } from '@nestjs/common';
import type { WebhookAccepted, WebhookDuplicate } from '@triggerline/contracts';
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
import { effectiveIdempotencyKeyHeaders, openVerification } from '../triggers/trigger-secrets';
import { type VerificationFailure, verifySignature } from '../verification/verify-signature';
import { DEPTH_HEADER, isTooDeep, parseTriggerDepth } from './trigger-depth';

export interface Delivery {
  slug: string;
  body: unknown;
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
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
  ) {}

  /** Injected for tests; real time otherwise. */
  now: () => Date = () => new Date();

  async receive(delivery: Delivery): Promise<WebhookAccepted | WebhookDuplicate> {
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
    const idempotencyKey = extractIdempotencyKey({
      headers: effectiveIdempotencyKeyHeaders(trigger).map(
        (name) => delivery.headers[name.toLowerCase()],
      ),
      payload: delivery.body,
      paths: trigger.idempotencyKeyPaths,
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
      payload: delivery.body,
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
      return { status: 'duplicate', executionId: outcome.executionId, conflict: outcome.conflict };
    }
    this.logger.log({ evt: 'webhook_accepted', ...logFields });
    this.dispatchSignal.executionsAvailable();
    return { status: 'accepted', executionId: outcome.executionId };
  }

  private verify(trigger: IngestTarget, delivery: Delivery): void {
    const verification = openVerification(trigger, this.box);
    if (verification === null) {
      return;
    }
    const result = verifySignature({
      ...verification,
      headers: delivery.headers,
      rawBody: delivery.rawBody,
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
