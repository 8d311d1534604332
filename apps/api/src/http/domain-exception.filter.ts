import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  Injectable,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Metrics } from '../metrics/metrics';
import { toErrorResponse } from './error-response';

/** Turns every error (thrown by us, Nest or Fastify) into the contract's `{ error, message }`; never a stack in a body. */
@Catch()
@Injectable()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  constructor(private readonly metrics: Metrics) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const response = toErrorResponse(error);
    if (response.isUnexpected) {
      this.logger.error({
        evt: response.status === 503 ? 'database_unavailable' : 'unhandled_error',
        err: error,
      });
    }
    // Also covers what Fastify refuses before a handler runs (size, media type, bad JSON).
    if (request.url.startsWith('/hooks/')) {
      this.metrics.deliveries.inc({ outcome: 'rejected' });
      this.logger.warn({ evt: 'webhook_rejected', url: request.url, reason: response.body.error });
    }
    void http
      .getResponse<FastifyReply>()
      .status(response.status)
      .headers(response.headers)
      .send(response.body);
  }
}
