import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ApiTokenList, CreatedApiToken } from '@triggerline/contracts';
import { ApiErrors } from '../http/api-errors.decorator';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { CreateApiTokenDto } from './dto/create-api-token.dto';
import { RouteAccess } from './route-access';
import { TokensService } from './tokens.service';

@ApiTags('access')
@ApiBearerAuth()
@ApiErrors(401, 403)
@RouteAccess({ role: 'admin' })
@Controller('api/tokens')
export class TokensController {
  constructor(private readonly service: TokensService) {}

  @Post()
  @RouteAccess({ action: 'token.create' })
  @ApiOperation({ summary: 'Create an API token; the token is in this answer only' })
  @ApiResponse({ status: 201, description: '{ id, name, role, token, createdAt, expiresAt }' })
  @ApiErrors(400)
  create(@Body() dto: CreateApiTokenDto): Promise<CreatedApiToken> {
    return this.service.create(dto);
  }

  @Get()
  @ApiOperation({
    summary: 'API tokens (never their value), newest first',
    description: 'Items: { id, name, role, createdAt, lastUsedAt, expiresAt }.',
  })
  list(): Promise<ApiTokenList> {
    return this.service.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @RouteAccess({ action: 'token.revoke' })
  @ApiOperation({ summary: 'Revoke an API token: it answers 401 from now on' })
  @ApiResponse({ status: 204, description: 'Revoked' })
  @ApiErrors(400, 404)
  revoke(@Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.service.revoke(id);
  }
}
