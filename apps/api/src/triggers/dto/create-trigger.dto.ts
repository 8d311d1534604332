import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { isValidDeadLetterGlob } from '../dead-letter-glob';
import { SLUG_PATTERN } from '../slug';
import { ACTION_SUBTYPES, ActionDto, HttpActionDto, WhatsappActionDto } from './action.dto';
import { RetryPolicyDto } from './retry-policy.dto';

const IsDeadLetterGlob = () =>
  ValidateBy({
    name: 'isDeadLetterGlob',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isValidDeadLetterGlob(value),
      defaultMessage: () => 'onDeadLetter must be "*", "<prefix>*" or an exact slug',
    },
  });

@ApiExtraModels(HttpActionDto, WhatsappActionDto)
export class CreateTriggerDto {
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
  @ValidateNested()
  @Type(() => ActionDto, {
    discriminator: { property: 'type', subTypes: ACTION_SUBTYPES },
    keepDiscriminatorProperty: true,
  })
  action: HttpActionDto | WhatsappActionDto;

  @ApiPropertyOptional({ type: RetryPolicyDto })
  @IsOptional()
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
  idempotencyKeyPaths?: string[];

  @ApiPropertyOptional({ description: 'HMAC-SHA256 key; write-only. null removes it.' })
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
  dailyWatermark?: number | null;

  @ApiPropertyOptional({ nullable: true, example: 'orders-*' })
  @IsOptional()
  @IsDeadLetterGlob()
  onDeadLetter?: string | null;
}
