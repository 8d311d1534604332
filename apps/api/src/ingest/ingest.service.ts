import { Injectable, Logger } from '@nestjs/common';
import type { WebhookAccepted, WebhookDuplicate } from '@triggerline/contracts';
import type { IncomingHttpHeaders } from 'node:http';
import { DispatchSignal } from '../dispatch/dispatch-signal';
import { Metrics } from '../metrics/metrics';
import { RequestError } from '../http/request.errors';
import { TriggerError } from '../triggers/triggers.errors';
import { headersOfInterest } from './delivery-headers';
import { extractIdempotencyKey, MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency-key';
import { IngestError } from './ingest.errors';
import { IngestRepository } from './ingest.repository';
import { isValidSignature } from './signature';

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
    private readonly repository: IngestRepository,
    private readonly dispatchSignal: DispatchSignal,
    private readonly metrics: Metrics,
  ) {}

  async receive(delivery: Delivery): Promise<WebhookAccepted | WebhookDuplicate> {
    const trigger = await this.repository.findTarget(delivery.slug);
    if (trigger === null) {
      throw new TriggerError('trigger_not_found', `No trigger with slug "${delivery.slug}".`);
    }
    if (!trigger.enabled) {
      throw new IngestError('trigger_disabled', `The trigger "${trigger.slug}" is disabled.`);
    }
    if (
      trigger.secret !== null &&
      !isValidSignature({
        secret: trigger.secret,
        rawBody: delivery.rawBody,
        header: delivery.headers['x-signature-256'],
      })
    ) {
      throw new IngestError('invalid_signature', 'X-Signature-256 is missing or wrong.');
    }
    const idempotencyKey = extractIdempotencyKey({
      header: delivery.headers['idempotency-key'],
      payload: delivery.body,
      paths: trigger.idempotencyKeyPaths,
    });
    if (idempotencyKey !== null && idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new RequestError(
        'invalid_body',
        `The idempotency key is longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`,
      );
    }
    const outcome = await this.repository.record({
      triggerId: trigger.id,
      idempotencyKey,
      payload: delivery.body,
      headers: headersOfInterest(delivery.headers),
    });
    const logFields = { slug: trigger.slug, executionId: outcome.executionId, idempotencyKey };
    this.metrics.deliveries.inc({ outcome: outcome.kind });
    if (outcome.kind === 'duplicate') {
      this.logger.log({ evt: 'webhook_duplicate', ...logFields });
      return { status: 'duplicate', executionId: outcome.executionId };
    }
    this.logger.log({ evt: 'webhook_accepted', ...logFields });
    this.dispatchSignal.executionsAvailable();
    return { status: 'accepted', executionId: outcome.executionId };
  }
}
