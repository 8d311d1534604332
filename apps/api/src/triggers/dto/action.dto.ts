import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ACTION_TYPES,
  type ActionType,
  HTTP_METHODS,
  type HttpActionRequest,
  type HttpMethod,
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

const IsStringRecord = () =>
  ValidateBy({
    name: 'isStringRecord',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.values(value).every((item) => typeof item === 'string'),
      defaultMessage: (args) => `${args?.property ?? 'value'} must be an object of string values`,
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
  @IsStringRecord()
  headers?: Record<string, string>;
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
