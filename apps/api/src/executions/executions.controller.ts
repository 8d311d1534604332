import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Execution, Page } from '@triggerline/contracts';
import { AdminAuthGuard } from '../http/admin-auth.guard';
import { ApiErrors } from '../http/api-errors.decorator';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { ListExecutionsQueryDto } from './dto/list-executions-query.dto';
import { ExecutionsService } from './executions.service';

@ApiTags('executions')
@ApiBearerAuth()
@ApiErrors(401)
@UseGuards(AdminAuthGuard)
@Controller('api/executions')
export class ExecutionsController {
  constructor(private readonly service: ExecutionsService) {}

  @Get()
  @ApiOperation({ summary: 'Executions, newest first, with cursor pagination' })
  @ApiErrors(400)
  list(@Query() query: ListExecutionsQueryDto): Promise<Page<Execution>> {
    return this.service.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One execution with its attempts' })
  @ApiErrors(400, 404)
  get(@Param('id', UuidParamPipe) id: string): Promise<Execution> {
    return this.service.get(id);
  }
}
