import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ACCESS_ROLES,
  ADMIN_TOKEN_ACTOR,
  type AccessRole,
  type CreateApiTokenRequest,
} from '@triggerline/contracts';
import {
  IsDateString,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  NotContains,
  ValidateBy,
} from 'class-validator';

const IsInTheFuture = () =>
  ValidateBy({
    name: 'isInTheFuture',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && Date.parse(value) > Date.now(),
      defaultMessage: (args) => `${args?.property ?? 'value'} must be in the future`,
    },
  });

export class CreateApiTokenDto implements CreateApiTokenRequest {
  @ApiProperty({ example: 'support-desk', description: 'Shown as the actor in the audit log' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/\S/, { message: 'name must not be blank' })
  @NotContains(ADMIN_TOKEN_ACTOR, { message: `name must not contain "${ADMIN_TOKEN_ACTOR}"` })
  name: string;

  @ApiProperty({ enum: ACCESS_ROLES })
  @IsIn(ACCESS_ROLES)
  role: AccessRole;

  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    description: 'ISO-8601, in the future: from then on the token gets 401. Unset: no expiry.',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  @IsInTheFuture()
  expiresAt?: string | null;
}
