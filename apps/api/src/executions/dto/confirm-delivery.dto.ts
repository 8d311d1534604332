import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ConfirmDeliveryRequest } from '@triggerline/contracts';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

export class ConfirmDeliveryDto implements ConfirmDeliveryRequest {
  @ApiProperty({
    description:
      'true: the target got it (succeeded); false: it did not (dead-lettered, transient)',
  })
  @IsBoolean()
  delivered: boolean;

  @ApiPropertyOptional({
    maxLength: 2000,
    description: 'kept on the dead letter when not delivered',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}
