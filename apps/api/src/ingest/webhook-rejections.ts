import { Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ErrorResponse } from '../http/error-response';
import type { ErrorAnswerListener } from '../http/domain-exception.filter';
import { Metrics } from '../metrics/metrics';

/**
 * Counts and logs every refused delivery, also those Fastify refuses before the route's handler
 * runs (size, media type, bad JSON), which only the exception filter sees.
 */
@Injectable()
export class WebhookRejections implements ErrorAnswerListener {
  private readonly logger = new Logger('Http');

  constructor(private readonly metrics: Metrics) {}

  onErrorAnswer(request: FastifyRequest, response: ErrorResponse): void {
    if (!request.url.startsWith('/hooks/')) {
      return;
    }
    this.metrics.deliveries.inc({ outcome: 'rejected' });
    this.logger.warn({ evt: 'webhook_rejected', url: request.url, reason: response.body.error });
  }
}
