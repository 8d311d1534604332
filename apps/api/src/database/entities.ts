import { DeadLetterEntity } from '../dead-letters/dead-letter.entity';
import { AttemptEntity } from '../executions/attempt.entity';
import { ExecutionPayloadEntity } from '../executions/execution-payload.entity';
import { ExecutionEntity } from '../executions/execution.entity';
import { TriggerEntity } from '../triggers/trigger.entity';

export const ENTITIES = [
  TriggerEntity,
  ExecutionEntity,
  ExecutionPayloadEntity,
  AttemptEntity,
  DeadLetterEntity,
];
