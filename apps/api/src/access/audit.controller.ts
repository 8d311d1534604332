import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditEntry, Page } from '@triggerline/contracts';
import { pageRequest } from '../http/cursor';
import { ApiErrors } from '../http/api-errors.decorator';
import { AuditLogStore } from './audit-log.store';
import { AuditPageDto } from './dto/audit-page.dto';
import { ListAuditQueryDto } from './dto/list-audit-query.dto';
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
    summary: 'Every mutating /api call of a valid token, allowed or refused, newest first',
    description:
      '`actor`: the token name or `admin-token`; `status`: the HTTP status answered; ' +
      '`details.fields`: for updates, the names of the fields changed. Calls without a valid ' +
      'token are not recorded: they count in `triggerline_unauthorized_requests_total{route}`.',
  })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiErrors(400)
  list(@Query() query: ListAuditQueryDto): Promise<Page<AuditEntry>> {
    return this.auditLog.list(query, pageRequest(query));
  }
}
