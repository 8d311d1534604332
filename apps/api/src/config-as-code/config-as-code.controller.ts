import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ConfigDocument, ConfigPlan } from '@triggerline/contracts';
import { RouteAccess } from '../access/route-access';
import { ApiErrors } from '../http/api-errors.decorator';
import { ConfigAsCodeService } from './config-as-code.service';
import { ApplyConfigDto } from './dto/apply-config.dto';

@ApiTags('config')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('api/config')
export class ConfigAsCodeController {
  constructor(private readonly service: ConfigAsCodeService) {}

  @Get()
  @RouteAccess({ role: 'admin' })
  @ApiOperation({
    summary: 'Every trigger and flow group as one JSON document, without secrets',
    description:
      'Secret-bearing fields appear in the form that keeps a stored value: secretHeaders ' +
      'names mapped to null, verification secrets without value, no apiKey or verifyToken.',
  })
  export(): Promise<ConfigDocument> {
    return this.service.export();
  }

  @Post()
  @RouteAccess({ role: 'admin', action: 'config.apply' })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Apply a configuration document in one transaction; answers the plan',
    description:
      'Creates and updates triggers by slug; deletes those it does not name only with ' +
      '`prune`. Secrets given are sealed, secrets left out are kept. `dryRun`: the plan only.',
  })
  @ApiErrors(400, 409)
  apply(@Body() dto: ApplyConfigDto): Promise<ConfigPlan> {
    return this.service.apply(dto);
  }
}
