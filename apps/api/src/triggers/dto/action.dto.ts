import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ACTION_TYPES,
  type ActionType,
  HTTP_METHODS,
  type HttpActionRequest,
  type HttpBodyMode,
  MAX_FORWARD_HEADERS,
  OUTBOUND_SIGNING_SCHEMES,
  type OutboundSigningScheme,
  type HttpMethod,
  isHeaderName,
  isHeaderValue,
  MAX_ACTION_HEADERS,
  DEFAULT_RECONCILE_AFTER_MS,
  MAX_RECONCILE_AFTER_MS,
  MIN_RECONCILE_AFTER_MS,
  type WhatsappActionRequest,
  type WhatsappMessage,
  whatsappMessageProblem,
  WHATSAPP_PROVIDERS,
  type WhatsappProvider,
} from '@triggerline/contracts';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';

const URL_OPTIONS = { protocols: ['http', 'https'], require_tld: false, require_protocol: true };

const IsHeaderRecord = (options: { allowNull: boolean }) =>
  ValidateBy({
    name: 'isHeaderRecord',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length <= MAX_ACTION_HEADERS &&
        Object.entries(value).every(
          ([name, item]) =>
            isHeaderName(name) &&
            ((item === null && options.allowNull) ||
              (typeof item === 'string' && isHeaderValue(item))),
        ),
      defaultMessage: (args) =>
        `${args?.property ?? 'value'} must map at most ${MAX_ACTION_HEADERS} header names to ` +
        `${options.allowNull ? 'strings or null' : 'strings'} (no line breaks, at most 8192 characters)`,
    },
  });

// A template is JSON stored with the trigger: bounded like the other texts of an action.
const MAX_BODY_TEMPLATE_CHARS = 16_384;

const IsBodyMode = () =>
  ValidateBy({
    name: 'isBodyMode',
    validator: {
      validate: (value: unknown) =>
        value === 'payload' ||
        value === 'raw' ||
        (typeof value === 'object' &&
          value !== null &&
          JSON.stringify(value).length <= MAX_BODY_TEMPLATE_CHARS),
      defaultMessage: (args) =>
        `${args?.property ?? 'value'} must be "payload", "raw" or a JSON template (an object or ` +
        `an array of at most ${MAX_BODY_TEMPLATE_CHARS} characters)`,
    },
  });

const SIGNING_SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

/** A Standard Webhooks secret: `whsec_` and the base64 of a 24- to 64-byte key. */
export function isSigningSecret(value: unknown): boolean {
  const base64 = typeof value === 'string' ? SIGNING_SECRET.exec(value)?.[1] : undefined;
  const bytes = base64 === undefined ? 0 : Buffer.from(base64, 'base64').byteLength;
  return bytes >= 24 && bytes <= 64;
}

const IsSigning = () =>
  ValidateBy({
    name: 'isSigning',
    validator: {
      validate: (value: unknown) => {
        if (value === null) {
          return true;
        }
        if (typeof value !== 'object' || Array.isArray(value)) {
          return false;
        }
        const { scheme, secret, ...rest } = value as Record<string, unknown>;
        return (
          (OUTBOUND_SIGNING_SCHEMES as readonly unknown[]).includes(scheme) &&
          (secret === undefined || isSigningSecret(secret)) &&
          Object.keys(rest).length === 0
        );
      },
      defaultMessage: (args) =>
        `${args?.property ?? 'value'} must be null or { scheme: "standard-webhooks", secret?: ` +
        '"whsec_" followed by the base64 of 24 to 64 bytes }',
    },
  });

/** Fields common to every action; `type` selects the concrete class. */
export class ActionDto {
  @ApiProperty({ enum: ACTION_TYPES })
  @IsIn(ACTION_TYPES)
  type: ActionType;

  @ApiPropertyOptional({ minimum: 100, maximum: 120000, default: 10000 })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(120000)
  timeoutMs?: number;
}

export class HttpActionDto extends ActionDto implements HttpActionRequest {
  declare type: 'http';

  @ApiProperty({ example: 'https://example.com/hook' })
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  url: string;

  @ApiPropertyOptional({ enum: HTTP_METHODS, default: 'POST' })
  @IsOptional()
  @IsIn(HTTP_METHODS)
  method?: HttpMethod;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsObject()
  @IsHeaderRecord({ allowNull: false })
  headers?: Record<string, string>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', nullable: true },
    description:
      'Write-only, sealed at rest. The secret headers become exactly these names; null keeps ' +
      'a stored value. Left out: all kept. Answers list secretHeaderNames only.',
    example: { Authorization: 'Bearer …' },
  })
  @IsOptional()
  @IsObject()
  @IsHeaderRecord({ allowNull: true })
  secretHeaders?: Record<string, string | null>;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string', enum: ['payload', 'raw'] }, { type: 'object' }, { type: 'array' }],
    default: 'payload',
    description:
      '"payload": the stored JSON payload; "raw": the bytes received, with their Content-Type ' +
      '(not with redactPaths); a JSON template: a string that is exactly "{{path}}" takes the ' +
      "payload's value there with its JSON type, other strings interpolate.",
    example: { orderId: '{{data.id}}', text: 'Order {{data.id}} paid' },
  })
  @IsOptional()
  @IsBodyMode()
  body?: HttpBodyMode;

  @ApiPropertyOptional({ type: [String], example: ['X-GitHub-Event', 'X-Hub-Signature-256'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_FORWARD_HEADERS)
  @ValidateBy({
    name: 'isHeaderNameList',
    validator: {
      validate: (value: unknown) =>
        Array.isArray(value) &&
        value.every((name) => typeof name === 'string' && isHeaderName(name)),
      defaultMessage: (args) => `${args?.property ?? 'value'} must hold header names`,
    },
  })
  forwardHeaders?: string[];

  @ApiPropertyOptional({
    nullable: true,
    description:
      'Standard Webhooks signing of every request (webhook-id, webhook-timestamp, ' +
      'webhook-signature). `secret` (whsec_ + base64 of 24 to 64 bytes) is write-only and ' +
      'sealed; left out, the stored one is kept. null: no signing; left out: kept.',
    example: { scheme: 'standard-webhooks', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
  })
  @IsOptional()
  @IsSigning()
  signing?: { scheme: OutboundSigningScheme; secret?: string } | null;
}

const IsWhatsappMessage = () =>
  ValidateBy({
    name: 'isWhatsappMessage',
    validator: {
      validate: (value: unknown) => whatsappMessageProblem(value) === null,
      defaultMessage: (args) => whatsappMessageProblem(args?.value) ?? 'message is invalid',
    },
  });

// A path segment of the provider's URL (Evolution v2 instance name, Meta phone number id).
const PATH_SEGMENT = /^[^/?#\s]{1,128}$/;

export class WhatsappActionDto extends ActionDto implements WhatsappActionRequest {
  declare type: 'whatsapp';

  @ApiPropertyOptional({ enum: WHATSAPP_PROVIDERS, default: 'evolution-go' })
  @IsOptional()
  @IsIn(WHATSAPP_PROVIDERS)
  provider?: WhatsappProvider;

  @ApiProperty({
    example: 'http://127.0.0.1:8080',
    description: 'Required, except for meta-cloud (default https://graph.facebook.com/v21.0).',
  })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  baseUrl?: string;

  @ApiPropertyOptional({ description: 'evolution-v2: the instance name.', example: 'sales' })
  @IsOptional()
  @IsString()
  @Matches(PATH_SEGMENT, {
    message: 'instance must be 1 to 128 characters without / ? # or spaces',
  })
  instance?: string;

  @ApiPropertyOptional({ description: 'meta-cloud: the sending phone number id.', example: '1065' })
  @IsOptional()
  @IsString()
  @Matches(PATH_SEGMENT, {
    message: 'phoneNumberId must be 1 to 128 characters without / ? # or spaces',
  })
  phoneNumberId?: string;

  @ApiPropertyOptional({
    description:
      '{ kind: "text", textTemplate } or { kind: "media", mediaType, urlTemplate, ' +
      'captionTemplate?, fileNameTemplate? }; give this or textTemplate.',
  })
  @IsOptional()
  @IsWhatsappMessage()
  message?: WhatsappMessage;

  @ApiPropertyOptional({ minimum: 0, maximum: 60000, description: "The provider's delay." })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60000)
  typingDelayMs?: number;

  @ApiPropertyOptional({
    minimum: MIN_RECONCILE_AFTER_MS,
    maximum: MAX_RECONCILE_AFTER_MS,
    default: DEFAULT_RECONCILE_AFTER_MS,
    description:
      'evolution-go only: when an outcome_unknown execution is first asked about at the ' +
      "gateway's POST /message/status.",
  })
  @IsOptional()
  @IsInt()
  @Min(MIN_RECONCILE_AFTER_MS)
  @Max(MAX_RECONCILE_AFTER_MS)
  reconcileAfterMs?: number;

  @ApiPropertyOptional({ description: 'Write-only; kept when omitted on update.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  apiKey?: string;

  @ApiProperty({ example: 'phone' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  toPath: string;

  @ApiPropertyOptional({ example: 'Hello {{name}}, your order {{order.id}} shipped.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  textTemplate?: string;
}

export const ACTION_SUBTYPES = [
  { value: HttpActionDto, name: 'http' },
  { value: WhatsappActionDto, name: 'whatsapp' },
];
