import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditEntry, Page } from '@triggerline/contracts';
import { pageRequest } from '../http/cursor';
import { ApiErrors } from '../http/api-errors.decorator';
import { PageQueryDto } from '../http/page-query.dto';
import { AuditLogStore } from './audit-log.store';
import { RouteAccess } from './route-access';

@ApiTags('access')
@ApiBearerAuth()
@ApiErrors(401, 403)
@RouteAccess({ role: 'admin' })
@Controller('api/audit')
export class AuditController {
  constructor(private readonly auditLog: AuditLogStore) {}

  @Get()
  @ApiOperation({
    summary: 'Every mutating /api call, allowed or refused, newest first',
    description: '`actor`: the token name or `admin-token`; `status`: the HTTP status answered.',
  })
  @ApiErrors(400)
  list(@Query() query: PageQueryDto): Promise<Page<AuditEntry>> {
    return this.auditLog.list(pageRequest(query));
  }
}
