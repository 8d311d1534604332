import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ApplyConfigRequest, ConfigDocument } from '@triggerline/contracts';
import { IsBoolean, IsObject, IsOptional } from 'class-validator';

/** The document's triggers are checked one by one with the trigger body's own DTO. */
export class ApplyConfigDto implements ApplyConfigRequest {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: '`{ triggers, flowGroups }` as `GET /api/config` answers it',
  })
  @IsObject()
  document: ConfigDocument;

  @ApiPropertyOptional({ default: false, description: 'Answer the plan, change nothing' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({
    default: false,
    description: 'Delete the triggers the document does not name',
  })
  @IsOptional()
  @IsBoolean()
  prune?: boolean;
}
