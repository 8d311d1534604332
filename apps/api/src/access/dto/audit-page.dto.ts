import { ApiProperty } from '@nestjs/swagger';
import type { AuditDetails, AuditEntry, Page } from '@triggerline/contracts';

// Response shapes, for the OpenAPI document only.

export class AuditDetailsDto implements AuditDetails {
  @ApiProperty({
    type: [String],
    example: ['name', 'secret'],
    description:
      'Top-level field names, never values: those an update changed (compared with the ' +
      'stored record for triggers), or for a refused update those its body sent',
  })
  fields: string[];
}

export class AuditEntryDto implements AuditEntry {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ example: 'support-desk', description: 'The token name, or `admin-token`' })
  actor: string;

  @ApiProperty({
    example: 'trigger.update',
    description: "The route's action, or `<METHOD> <route>` for a call refused before it ran",
  })
  action: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  targetId: string | null;

  @ApiProperty({ example: 200, description: 'The HTTP status answered' })
  status: number;

  @ApiProperty({
    type: AuditDetailsDto,
    nullable: true,
    description: 'Set for updates (PUT, PATCH); null otherwise',
  })
  details: AuditDetails | null;
}

export class AuditPageDto implements Page<AuditEntry> {
  @ApiProperty({ type: [AuditEntryDto] })
  items: AuditEntryDto[];

  @ApiProperty({ nullable: true, type: String, description: 'null on the last page' })
  nextCursor: string | null;
}
