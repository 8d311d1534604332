import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FlowGroup, FlowGroupList } from '@triggerline/contracts';
import { RouteAccess } from '../access/route-access';
import { ApiErrors } from '../http/api-errors.decorator';
import { PutFlowGroupDto } from './dto/put-flow-group.dto';
import { FlowGroupNamePipe } from './flow-group-name.pipe';
import { FlowGroupsService } from './flow-groups.service';

@ApiTags('flow-groups')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('api/flow-groups')
export class FlowGroupsController {
  constructor(private readonly service: FlowGroupsService) {}

  @Get()
  @ApiOperation({ summary: 'Every flow group with its triggers and usage, by name' })
  list(): Promise<FlowGroupList> {
    return this.service.list();
  }

  @Get(':name')
  @ApiParam({ name: 'name', description: 'Slug-shaped' })
  @ApiErrors(400, 404)
  get(@Param('name', FlowGroupNamePipe) name: string): Promise<FlowGroup> {
    return this.service.get(name);
  }

  @Put(':name')
  @RouteAccess({ role: 'admin', action: 'flow_group.put' })
  @HttpCode(200)
  @ApiParam({ name: 'name', description: 'Slug-shaped' })
  @ApiOperation({
    summary: 'Create a flow group or replace its limits',
    description:
      'The limits bind the attempts of all the triggers whose flowGroup names the group, on ' +
      'top of their own, across all workers. A limit left out or null is off. Executions the ' +
      'group’s triggers hold are decided again under the new limits.',
  })
  @ApiResponse({ status: 200, description: 'The flow group' })
  @ApiErrors(400)
  put(
    @Param('name', FlowGroupNamePipe) name: string,
    @Body() dto: PutFlowGroupDto,
  ): Promise<FlowGroup> {
    return this.service.put(name, dto);
  }

  @Delete(':name')
  @RouteAccess({ role: 'admin', action: 'flow_group.delete' })
  @HttpCode(204)
  @ApiParam({ name: 'name', description: 'Slug-shaped' })
  @ApiOperation({
    summary: 'Delete a flow group',
    description: '409 flow_group_in_use while a trigger is in the group.',
  })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiErrors(400, 404, 409)
  remove(@Param('name', FlowGroupNamePipe) name: string): Promise<void> {
    return this.service.remove(name);
  }
}
