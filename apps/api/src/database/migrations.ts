import { CreateCoreSchema1763900000000 } from '../../../../migrations/1763900000000-CreateCoreSchema';
import { CreateAlerts1763900100000 } from '../../../../migrations/1763900100000-CreateAlerts';

/** Every migration, in order. Listed explicitly so the app and the CLI run the same set. */
export const MIGRATIONS = [CreateCoreSchema1763900000000, CreateAlerts1763900100000];
