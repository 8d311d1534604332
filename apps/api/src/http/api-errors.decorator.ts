import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

const DESCRIPTIONS: Record<number, string> = {
  400: 'validation_failed, invalid_id, invalid_body or invalid_url',
  401: 'unauthorized (or invalid_signature on webhooks)',
  404: 'not found',
  409: 'conflict with the current state',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited; see Retry-After and retryAfterSeconds',
  503: 'unavailable: the database is unreachable',
};

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
    details: { type: 'array', items: { type: 'string' } },
    retryAfterSeconds: { type: 'integer' },
  },
};

/** Documents the `{ error, message }` answers a route can give. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status], schema: ERROR_SCHEMA }),
    ),
  );
}
