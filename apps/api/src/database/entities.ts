import { TriggerEntity } from '../triggers/trigger.entity';

// Only the triggers' CRUD goes through TypeORM's repository; every other table is written by
// its store in plain SQL. test/medium/schema.medium-spec.ts proves this entity and the
// migrations agree.
export const ENTITIES = [TriggerEntity];
