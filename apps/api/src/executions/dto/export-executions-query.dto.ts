import { OmitType } from '@nestjs/swagger';
import { ListExecutionsQueryDto } from './list-executions-query.dto';

/** The list's filters, without its paging: the export runs to the end. */
export class ExportExecutionsQueryDto extends OmitType(ListExecutionsQueryDto, [
  'limit',
  'cursor',
]) {}
