import { ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CATEGORIES, type ErrorCategory } from '@triggerline/contracts';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsOptional,
  IsUUID,
} from 'class-validator';

/** Which unresolved dead letters to replay; every filter given must match. */
export class BulkReplayDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'dead-letter ids' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10000)
  @IsUUID('all', { each: true })
  ids?: string[];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  triggerId?: string;

  @ApiPropertyOptional({ enum: ERROR_CATEGORIES })
  @IsOptional()
  @IsIn(ERROR_CATEGORIES)
  errorCategory?: ErrorCategory;

  @ApiPropertyOptional({ format: 'date-time', description: 'dead-lettered at or after' })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'dead-lettered before' })
  @IsOptional()
  @IsDateString()
  to?: string;

  @ApiPropertyOptional({ default: false, description: 'count the matches, replay nothing' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}
