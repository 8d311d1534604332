import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type {
  Page,
  Rejection,
  RejectionDetail,
  RejectionRetryResult,
} from '@triggerline/contracts';
import { RouteAccess } from '../access/route-access';
import { ApiErrors } from '../http/api-errors.decorator';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { ListRejectionsQueryDto } from './dto/list-rejections-query.dto';
import { RejectionsService } from './rejections.service';

@ApiTags('rejections')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('api/rejections')
export class RejectionsController {
  constructor(private readonly service: RejectionsService) {}

  @Get()
  @ApiOperation({
    summary: 'Refused deliveries of existing triggers, newest first',
    description:
      'Kept for REJECTION_RETENTION_DAYS, at most REJECTION_MAX_PER_TRIGGER per trigger; ' +
      'credential-looking header values read "***".',
  })
  @ApiErrors(400)
  list(@Query() query: ListRejectionsQueryDto): Promise<Page<Rejection>> {
    return this.service.list(query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One refused delivery with its body',
    description: 'Redacted paths and a body token read "***"; binary bodies are base64.',
  })
  @ApiErrors(400, 404)
  get(@Param('id', UuidParamPipe) id: string): Promise<RejectionDetail> {
    return this.service.get(id);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @RouteAccess({ role: 'operator', action: 'rejection.retry' })
  @ApiOperation({
    summary: 'Run a refused delivery through the whole pipeline again, with current settings',
    description:
      'Answers (and records) what the sender would have got: 202 accepted, 200 duplicate, ' +
      '200 filtered, or the error, as { httpStatus, body }.',
  })
  @ApiResponse({ status: 200, description: '{ httpStatus, body }' })
  @ApiErrors(400, 404)
  retry(@Param('id', UuidParamPipe) id: string): Promise<RejectionRetryResult> {
    return this.service.retry(id);
  }
}
