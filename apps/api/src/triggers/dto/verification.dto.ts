import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  DEFAULT_TOLERANCE_SECONDS,
  HMAC_ALGORITHMS,
  type HmacAlgorithm,
  SIGNATURE_ENCODINGS,
  type SignatureEncoding,
  TOKEN_LOCATIONS,
  type TokenLocation,
  MAX_TOLERANCE_SECONDS,
  MAX_VERIFICATION_SECRETS,
  VERIFICATION_SCHEMES,
  type VerificationInput,
  type VerificationScheme,
  type VerificationSecretInput,
} from '@triggerline/contracts';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

export class VerificationSecretDto implements VerificationSecretInput {
  @ApiPropertyOptional({
    description:
      'Write-only. Omit it to keep a stored secret: the n-th item without a value keeps the ' +
      "trigger's n-th stored secret.",
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  value?: string;

  @ApiPropertyOptional({ nullable: true, format: 'date-time', description: 'null: never' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string | null;
}

export class VerificationDto implements VerificationInput {
  @ApiProperty({ enum: VERIFICATION_SCHEMES })
  @IsIn(VERIFICATION_SCHEMES)
  scheme: VerificationScheme;

  @ApiProperty({ type: [VerificationSecretDto], minItems: 1, maxItems: MAX_VERIFICATION_SECRETS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_VERIFICATION_SECRETS)
  @ValidateNested({ each: true })
  @Type(() => VerificationSecretDto)
  secrets: VerificationSecretDto[];

  @ApiPropertyOptional({
    default: DEFAULT_TOLERANCE_SECONDS,
    minimum: 1,
    maximum: MAX_TOLERANCE_SECONDS,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TOLERANCE_SECONDS)
  toleranceSeconds?: number;

  @ApiPropertyOptional({ enum: TOKEN_LOCATIONS, description: '`token`: where the token is' })
  @IsOptional()
  @IsIn(TOKEN_LOCATIONS)
  in?: TokenLocation;

  @ApiPropertyOptional({
    description: '`token`: the header name, query parameter or body path of the token',
    example: 'X-Gitlab-Token',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: '`hmac`: the header carrying the signature' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,200}$/, { message: 'header must be a header name' })
  header?: string;

  @ApiPropertyOptional({ enum: HMAC_ALGORITHMS, default: 'sha256' })
  @IsOptional()
  @IsIn(HMAC_ALGORITHMS)
  algorithm?: HmacAlgorithm;

  @ApiPropertyOptional({ enum: SIGNATURE_ENCODINGS, default: 'hex' })
  @IsOptional()
  @IsIn(SIGNATURE_ENCODINGS)
  encoding?: SignatureEncoding;

  @ApiPropertyOptional({ description: '`hmac`: text before the digest, e.g. "sha256="' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  prefix?: string;

  @ApiPropertyOptional({
    description: '`meta`: write-only; the Verify Token of the subscription. Omit it to keep it.',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  verifyToken?: string;
}
