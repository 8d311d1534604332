import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorResponse, toErrorResponse } from './error-response';

/** A feature that counts or logs the error answers of its own routes. */
export interface ErrorAnswerListener {
  onErrorAnswer(request: FastifyRequest, response: ErrorResponse): void;
}

export const ERROR_ANSWER_LISTENERS = Symbol('ERROR_ANSWER_LISTENERS');

/** Turns every error (thrown by us, Nest or Fastify) into the contract's `{ error, message }`; never a stack in a body. */
@Catch()
@Injectable()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  constructor(
    @Inject(ERROR_ANSWER_LISTENERS) private readonly listeners: readonly ErrorAnswerListener[],
  ) {}

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
    for (const listener of this.listeners) {
      listener.onErrorAnswer(request, response);
    }
    void http
      .getResponse<FastifyReply>()
      .status(response.status)
      .headers(response.headers)
      .send(response.body);
  }
}
