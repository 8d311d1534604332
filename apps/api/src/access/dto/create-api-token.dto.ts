import { ApiProperty } from '@nestjs/swagger';
import {
  ACCESS_ROLES,
  ADMIN_TOKEN_ACTOR,
  type AccessRole,
  type CreateApiTokenRequest,
} from '@triggerline/contracts';
import { IsIn, IsString, Matches, MaxLength, MinLength, NotContains } from 'class-validator';

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
}
