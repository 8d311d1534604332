import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type {
  Attempt,
  BulkReplayResult,
  DeadLetter,
  Page,
  ReplayAccepted,
} from '@triggerline/contracts';
import { RouteAccess } from '../access/route-access';
import { ApiErrors } from '../http/api-errors.decorator';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { DeadLettersService } from './dead-letters.service';
import { BulkReplayDto } from './dto/bulk-replay.dto';
import { ListDeadLettersQueryDto } from './dto/list-dead-letters-query.dto';
import { ResolveDeadLetterDto } from './dto/resolve-dead-letter.dto';

@ApiTags('dead letters')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('api/dead-letters')
export class DeadLettersController {
  constructor(private readonly service: DeadLettersService) {}

  @Get()
  @ApiOperation({ summary: 'Dead letters: unresolved first, then newest first' })
  @ApiErrors(400)
  list(@Query() query: ListDeadLettersQueryDto): Promise<Page<DeadLetter>> {
    return this.service.list(query);
  }

  // Declared before ':id' routes so that "replay" is never read as an id.
  @Post('replay')
  @RouteAccess({ role: 'operator', action: 'dead_letter.bulk_replay' })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replay every unresolved dead letter matching ids and/or filters',
    description: 'With `dryRun: true` only counts. Refused replays (cooldown) count as skipped.',
  })
  @ApiResponse({ status: 200, description: '{ matched, replayed, skipped }' })
  @ApiErrors(400)
  bulkReplay(@Body() dto: BulkReplayDto): Promise<BulkReplayResult> {
    return this.service.bulkReplay(dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One dead letter with its payload and attempts' })
  @ApiErrors(400, 404)
  get(@Param('id', UuidParamPipe) id: string): Promise<DeadLetter & { attempts: Attempt[] }> {
    return this.service.get(id);
  }

  @Post(':id/resolve')
  @RouteAccess({ role: 'operator', action: 'dead_letter.resolve' })
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve: ignored, handled_by_script or handler_failed' })
  @ApiErrors(400, 404, 409)
  resolve(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: ResolveDeadLetterDto,
  ): Promise<DeadLetter> {
    return this.service.resolve(id, dto);
  }

  @Post(':id/replay')
  @RouteAccess({ role: 'operator', action: 'dead_letter.replay' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Replay the dead execution as a new one; resolves it `replayed`' })
  @ApiResponse({ status: 202, description: '{ executionId } of the new execution' })
  @ApiErrors(400, 404, 409, 429)
  replay(@Param('id', UuidParamPipe) id: string): Promise<ReplayAccepted> {
    return this.service.replay(id);
  }
}
