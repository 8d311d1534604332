import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Trigger, TriggerList } from '@triggerline/contracts';
import { AdminAuthGuard } from '../http/admin-auth.guard';
import { ApiErrors } from '../http/api-errors.decorator';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { CreateTriggerDto } from './dto/create-trigger.dto';
import { UpdateTriggerDto } from './dto/update-trigger.dto';
import { TriggersService } from './triggers.service';

@ApiTags('triggers')
@ApiBearerAuth()
@ApiErrors(401)
@UseGuards(AdminAuthGuard)
@Controller('api/triggers')
export class TriggersController {
  constructor(private readonly service: TriggersService) {}

  @Get()
  @ApiOperation({ summary: 'List triggers (secrets never returned)' })
  list(): Promise<TriggerList> {
    return this.service.list();
  }

  @Post()
  @ApiOperation({ summary: 'Create a trigger' })
  @ApiResponse({ status: 201, description: 'The trigger' })
  @ApiErrors(400, 409)
  create(@Body() dto: CreateTriggerDto): Promise<Trigger> {
    return this.service.create(dto);
  }

  @Get(':id')
  @ApiErrors(400, 404)
  get(@Param('id', UuidParamPipe) id: string): Promise<Trigger> {
    return this.service.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a trigger; omitted fields stay as they are' })
  @ApiErrors(400, 404, 409)
  update(@Param('id', UuidParamPipe) id: string, @Body() dto: UpdateTriggerDto): Promise<Trigger> {
    return this.service.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a trigger with its executions and dead letters' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiErrors(400, 404)
  remove(@Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.service.remove(id);
  }
}
