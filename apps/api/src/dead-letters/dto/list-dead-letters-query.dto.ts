import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../http/page-query.dto';

export class ListDeadLettersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'true: only unresolved ones (they always come first)' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' || value === '' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  unresolved?: boolean;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  triggerId?: string;
}
