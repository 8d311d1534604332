import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '../http/api-errors.decorator';
import { IngestService } from './ingest.service';

@ApiTags('webhooks')
@Controller('hooks')
export class HooksController {
  constructor(private readonly service: IngestService) {}

  @Post(':slug')
  @ApiOperation({ summary: 'Deliver a webhook to a trigger (no admin token)' })
  @ApiParam({ name: 'slug', example: 'order-shipped' })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded', 'text/plain')
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({
    name: 'X-Signature-256',
    required: false,
    description:
      "sha256=<hex HMAC>, or the headers of the trigger's verification scheme (X-Hub-Signature-256, " +
      'Stripe-Signature, X-Shopify-Hmac-Sha256, X-Slack-Signature, webhook-signature); ' +
      '401 invalid_signature or signature_expired otherwise',
  })
  @ApiResponse({ status: 202, description: '{ status: "accepted", executionId }' })
  @ApiHeader({
    name: 'X-Triggerline-Depth',
    required: false,
    description: 'Triggerline hops so far; above MAX_TRIGGER_DEPTH: 400 loop_detected',
  })
  @ApiResponse({
    status: 200,
    description:
      '{ status: "duplicate", executionId, conflict } of the original; conflict: the raw body ' +
      'differs from the original (SHA-256)',
  })
  @ApiErrors(400, 401, 404, 409, 413, 415, 503)
  async receive(
    @Param('slug') slug: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const answer = await this.service.receive({
      slug,
      body: request.body,
      rawBody: request.rawBody ?? Buffer.alloc(0),
      headers: request.headers,
      query: request.query as Record<string, unknown>,
      pathAndQuery: request.url,
      origin: `${request.protocol}://${request.host}`,
    });
    void reply.status(answer.httpStatus);
    return answer.body;
  }

  @Get(':slug')
  @ApiOperation({
    summary: "Meta's subscription handshake (triggers with the meta scheme; no admin token)",
  })
  @ApiParam({ name: 'slug', example: 'whatsapp-cloud' })
  @ApiQuery({ name: 'hub.mode', example: 'subscribe' })
  @ApiQuery({ name: 'hub.verify_token' })
  @ApiQuery({ name: 'hub.challenge' })
  @ApiResponse({ status: 200, description: 'the challenge, as text/plain' })
  @ApiErrors(403, 404)
  async subscribe(
    @Param('slug') slug: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const challenge = await this.service.subscribe(slug, request.query as Record<string, unknown>);
    void reply.type('text/plain; charset=utf-8');
    return challenge;
  }
}
