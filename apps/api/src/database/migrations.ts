import { CreateCoreSchema1763900000000 } from '../../../../migrations/1763900000000-CreateCoreSchema';

/** Every migration, in order. Listed explicitly so the app and the CLI run the same set. */
export const MIGRATIONS = [CreateCoreSchema1763900000000];
