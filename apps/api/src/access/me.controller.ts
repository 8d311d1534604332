import { Controller, Get, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Caller } from '@triggerline/contracts';
import type { FastifyRequest } from 'fastify';
import { ApiErrors } from '../http/api-errors.decorator';
import { callerOf } from './request-access';
import { RouteAccess } from './route-access';

@ApiTags('access')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('api/me')
export class MeController {
  @Get()
  @RouteAccess({ role: 'viewer' })
  @ApiOperation({ summary: 'Who the bearer token is: { name, role }; any role may ask' })
  me(@Req() request: FastifyRequest): Caller {
    return callerOf(request);
  }
}
