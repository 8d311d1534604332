import { ApiProperty } from '@nestjs/swagger';
import type { FilterTestRequest } from '@triggerline/contracts';
import { IsObject, IsUUID, ValidateBy } from 'class-validator';
import { filterProblem } from '../../triggers/delivery-filter';

export class FilterTestDto implements FilterTestRequest {
  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  @ValidateBy({
    name: 'isDeliveryFilter',
    validator: {
      validate: (value: unknown) => filterProblem(value) === null,
      defaultMessage: (args) => filterProblem(args?.value) ?? 'filter is invalid',
    },
  })
  filter: Record<string, unknown>;

  @ApiProperty({ format: 'uuid', description: 'a stored delivery (execution) of the trigger' })
  @IsUUID()
  executionId: string;
}
