import { ApiProperty } from '@nestjs/swagger';
import type { DeliveryFilter, RouteTestRequest } from '@triggerline/contracts';
import { IsRoutes } from '../../triggers/dto/create-trigger.dto';

export class RouteTestDto implements RouteTestRequest {
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    example: [{ trigger: 'crm', filter: { 'body.event': 'messages.upsert' } }, { trigger: 'ai' }],
    description: 'The routes being edited; their triggers need not exist yet.',
  })
  @IsRoutes()
  routes: { trigger: string; filter?: DeliveryFilter | null }[];
}
