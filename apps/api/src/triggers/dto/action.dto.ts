import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ACTION_TYPES,
  type ActionType,
  HTTP_METHODS,
  type HttpActionRequest,
  type HttpMethod,
  isHeaderName,
  isHeaderValue,
  MAX_ACTION_HEADERS,
  type WhatsappActionRequest,
} from '@triggerline/contracts';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
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
}

export class WhatsappActionDto extends ActionDto implements WhatsappActionRequest {
  declare type: 'whatsapp';

  @ApiProperty({ example: 'http://127.0.0.1:8080' })
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  baseUrl: string;

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

  @ApiProperty({ example: 'Hello {{name}}, your order {{order.id}} shipped.' })
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  textTemplate: string;
}

export const ACTION_SUBTYPES = [
  { value: HttpActionDto, name: 'http' },
  { value: WhatsappActionDto, name: 'whatsapp' },
];
