import { PartialType } from '@nestjs/swagger';
import type { UpdateTriggerRequest } from '@triggerline/contracts';
import { CreateTriggerDto } from './create-trigger.dto';

/** Every field optional; a WhatsApp action without `apiKey` keeps the stored one. */
export class UpdateTriggerDto
  extends PartialType(CreateTriggerDto)
  implements UpdateTriggerRequest {}
