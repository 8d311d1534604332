import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import {
  type ClassificationRule,
  classificationRulesProblem,
  type CreateTriggerRequest,
  type DeliveryWindow,
  deliveryWindowProblem,
  MAX_DELAY_MS,
  ORDERING_DEAD_LETTER_POLICIES,
  type OrderingDeadLetterPolicy,
  isValidDeadLetterGlob,
  isValidSlug,
  MAX_ROUTES,
  SLUG_PATTERN,
  type WatermarkAction,
} from '@triggerline/contracts';
import { Type } from 'class-transformer';
import { UNKNOWN_OUTCOME_POLICIES, type UnknownOutcomePolicy } from '@triggerline/contracts';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ACTION_SUBTYPES, ActionDto, HttpActionDto, WhatsappActionDto } from './action.dto';
import {
  CircuitBreakerDto,
  MaxConcurrencyField,
  RateLimitDto,
  RateLimitField,
  WatermarkActionField,
} from './flow-control.dto';
import { RetryPolicyDto } from './retry-policy.dto';
import { VerificationDto } from './verification.dto';
import { filterProblem } from '../delivery-filter';

// An HTTP header name (RFC 9110 token).
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** SPEC §14 routes: at most MAX_ROUTES of { trigger, filter? }, each trigger named once. */
export const IsRoutes = () =>
  ValidateBy({
    name: 'isRoutes',
    validator: {
      validate: (value: unknown) => routesProblem(value) === null,
      defaultMessage: (args) => routesProblem(args?.value) ?? 'routes is invalid',
    },
  });

function routesProblem(value: unknown): string | null {
  if (!Array.isArray(value) || value.length > MAX_ROUTES) {
    return `routes must be an array of at most ${MAX_ROUTES} routes`;
  }
  const slugs = new Set<string>();
  for (const [index, route] of value.entries()) {
    if (typeof route !== 'object' || route === null || Array.isArray(route)) {
      return `routes[${index}] must be { trigger, filter? }`;
    }
    const { trigger, filter, ...rest } = route as Record<string, unknown>;
    if (typeof trigger !== 'string' || !isValidSlug(trigger)) {
      return `routes[${index}].trigger must be a trigger's slug`;
    }
    if (slugs.has(trigger)) {
      return `routes[${index}].trigger repeats "${trigger}"`;
    }
    slugs.add(trigger);
    const problem = filter === undefined || filter === null ? null : filterProblem(filter);
    if (problem !== null) {
      return `routes[${index}].filter: ${problem}`;
    }
    if (Object.keys(rest).length > 0) {
      return `routes[${index}] has unknown fields: ${Object.keys(rest).join(', ')}`;
    }
  }
  return null;
}

/** The column is a PostgreSQL integer: larger is a 400, never a failed insert. */
export const MAX_DAILY_WATERMARK = 2_147_483_647;

const IsDeliveryFilter = () =>
  ValidateBy({
    name: 'isDeliveryFilter',
    validator: {
      validate: (value: unknown) => filterProblem(value) === null,
      defaultMessage: (args) => filterProblem(args?.value) ?? 'filter is invalid',
    },
  });

const IsClassificationRules = () =>
  ValidateBy({
    name: 'isClassificationRules',
    validator: {
      validate: (value: unknown) => classificationRulesProblem(value) === null,
      defaultMessage: (args) =>
        classificationRulesProblem(args?.value) ?? 'classificationRules is invalid',
    },
  });

const IsDeliveryWindow = () =>
  ValidateBy({
    name: 'isDeliveryWindow',
    validator: {
      validate: (value: unknown) => deliveryWindowProblem(value) === null,
      defaultMessage: (args) => deliveryWindowProblem(args?.value) ?? 'deliveryWindow is invalid',
    },
  });

const IsDeadLetterGlob = () =>
  ValidateBy({
    name: 'isDeadLetterGlob',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isValidDeadLetterGlob(value),
      defaultMessage: () => 'onDeadLetter must be "*", "<prefix>*" or an exact slug',
    },
  });

@ApiExtraModels(HttpActionDto, WhatsappActionDto)
export class CreateTriggerDto implements CreateTriggerRequest {
  @ApiProperty({ example: 'Order shipped → WhatsApp' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'order-shipped', pattern: SLUG_PATTERN.source })
  @IsString()
  @Matches(SLUG_PATTERN, {
    message: 'slug must be lowercase letters, digits and dashes, 1 to 63, not starting with a dash',
  })
  slug: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiProperty({
    oneOf: [{ $ref: getSchemaPath(HttpActionDto) }, { $ref: getSchemaPath(WhatsappActionDto) }],
  })
  @ValidateIf((dto: CreateTriggerDto) => dto.action !== null)
  @ValidateNested()
  @Type(() => ActionDto, {
    discriminator: { property: 'type', subTypes: ACTION_SUBTYPES },
    keepDiscriminatorProperty: true,
  })
  action: HttpActionDto | WhatsappActionDto | null;

  @ApiPropertyOptional({
    type: 'array',
    maxItems: MAX_ROUTES,
    items: {
      type: 'object',
      properties: { trigger: { type: 'string' }, filter: { type: 'object', nullable: true } },
    },
    description:
      'Triggers (by slug) that also get an execution of each delivery their filter keeps, in ' +
      'the same transaction; a routed-to trigger cannot have routes itself.',
  })
  @IsOptional()
  @IsRoutes()
  routes?: { trigger: string; filter?: Record<string, unknown> | null }[];

  @ApiPropertyOptional({ type: RetryPolicyDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RetryPolicyDto)
  retryPolicy?: RetryPolicyDto;

  @ApiPropertyOptional({
    type: [String],
    example: ['idempotency_key', 'messageId', 'data.messageId', 'data.idempotency_key'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(256, { each: true })
  idempotencyKeyPaths?: string[] | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'MongoDB-style query over { body, headers, query }; deliveries that do not match are ' +
      'answered 200 filtered and create nothing. null keeps every delivery.',
    example: { 'body.event': { $in: ['messages.upsert', 'MESSAGE'] } },
  })
  @IsOptional()
  @IsDeliveryFilter()
  filter?: Record<string, unknown> | null;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    description: 'Body paths removed before storage; null: the scheme default (evolution: apikey)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(256, { each: true })
  redactPaths?: string[] | null;

  @ApiPropertyOptional({
    description:
      'Shorthand for `verification: { scheme: "hmac-sha256", secrets: [{ value }] }`; ' +
      'write-only. null removes the verification.',
  })
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(512)
  secret?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    description: 'Executions per 24 h that raise watermark_hit (WhatsApp default 50).',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_DAILY_WATERMARK)
  dailyWatermark?: number | null;

  @ApiPropertyOptional({ type: VerificationDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => VerificationDto)
  verification?: VerificationDto | null;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    description: 'Headers read for the key before the body paths; null: the scheme default',
    example: ['Idempotency-Key', 'X-GitHub-Delivery'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @Matches(HEADER_NAME, { each: true, message: 'idempotencyKeyHeaders must be header names' })
  @MaxLength(100, { each: true })
  idempotencyKeyHeaders?: string[] | null;

  @ApiPropertyOptional({ nullable: true, example: 'orders-*' })
  @IsOptional()
  @IsDeadLetterGlob()
  onDeadLetter?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    minimum: 1,
    maximum: 10080,
    description: 'Minutes without a delivery that raise trigger_silent; null: never.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10080)
  silenceAlertMinutes?: number | null;

  @ApiPropertyOptional({
    enum: UNKNOWN_OUTCOME_POLICIES,
    nullable: true,
    description:
      'After a request that was sent but got no status back: `retry` it, or `hold` the ' +
      'execution as outcome_unknown for an operator. null: hold for whatsapp, retry for http.',
  })
  @IsOptional()
  @IsIn(UNKNOWN_OUTCOME_POLICIES)
  onUnknownOutcome?: UnknownOutcomePolicy | null;

  @RateLimitField('At most `limit` attempt starts in any window of `periodMs`; null is off.')
  rateLimit?: RateLimitDto | null;

  @MaxConcurrencyField('At most this many attempts in flight at once, across workers; null is off.')
  maxConcurrency?: number | null;

  @ApiPropertyOptional({ type: CircuitBreakerDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CircuitBreakerDto)
  circuitBreaker?: CircuitBreakerDto | null;

  @WatermarkActionField()
  dailyWatermarkAction?: WatermarkAction;

  @ApiPropertyOptional({
    nullable: true,
    pattern: SLUG_PATTERN.source,
    description:
      'The alias of flowGroup (SPEC §7): triggers of one group share one watermark count. ' +
      'Naming a group that does not exist creates it without limits, as before flow groups.',
  })
  @IsOptional()
  @IsString()
  @Matches(SLUG_PATTERN, {
    message:
      'watermarkGroup must be lowercase letters, digits and dashes, 1 to 63, not starting with a dash',
  })
  watermarkGroup?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    pattern: SLUG_PATTERN.source,
    description:
      'SPEC §15: a flow group (PUT /api/flow-groups/:name) whose limits bind this trigger on top ' +
      'of its own; it must exist. null leaves the group.',
  })
  @IsOptional()
  @IsString()
  @Matches(SLUG_PATTERN, {
    message:
      'flowGroup must be lowercase letters, digits and dashes, 1 to 63, not starting with a dash',
  })
  flowGroup?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    description:
      'SPEC §15: at most 20 rules { status?: code | codes | "4xx" | "5xx", bodyContains?, ' +
      'outcome: success | transient | permanent | pause }, first match wins, before the ' +
      "built-in classifier. null: the WhatsApp provider's documented defaults.",
    example: [{ status: 500, bodyContains: 'not registered on WhatsApp', outcome: 'permanent' }],
  })
  @IsOptional()
  @IsClassificationRules()
  classificationRules?: ClassificationRule[] | null;

  @ApiPropertyOptional({
    nullable: true,
    example: 'data.key.remoteJid',
    description:
      'SPEC §15: payload path of the ordering key; executions with the same key run one at a ' +
      'time, in the order they were accepted, across all workers. null: no ordering.',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  @Matches(/^[^.\s]+(\.[^.\s]+)*$/, {
    message: 'orderingKeyPath must be a dot path into the payload, e.g. data.key.remoteJid',
  })
  orderingKeyPath?: string | null;

  @ApiPropertyOptional({
    enum: ORDERING_DEAD_LETTER_POLICIES,
    default: 'continue',
    description:
      'A dead-lettered execution releases its ordering key (`continue`) or keeps it blocked ' +
      'until its dead letter is resolved or replayed (`block`).',
  })
  @IsOptional()
  @IsIn(ORDERING_DEAD_LETTER_POLICIES)
  orderingOnDeadLetter?: OrderingDeadLetterPolicy;

  @ApiPropertyOptional({
    nullable: true,
    example: { timezone: 'America/Sao_Paulo', days: [1, 2, 3, 4, 5], from: '08:00', to: '20:00' },
    description:
      'SPEC §15: attempts start only from `from` to `to` (HH:MM, local time of the IANA ' +
      '`timezone`; `to` before `from` runs overnight) on `days` (ISO weekdays, 1 = Monday; ' +
      'left out: every day). null: any time.',
  })
  @IsOptional()
  @IsDeliveryWindow()
  deliveryWindow?: DeliveryWindow | null;

  @ApiPropertyOptional({
    nullable: true,
    minimum: 0,
    maximum: MAX_DELAY_MS,
    description: 'No attempt before acceptance + delayMs. null: none.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_DELAY_MS)
  delayMs?: number | null;
}
