// Configuration as code (SPEC §18): every trigger as one JSON document, without secrets.
import type { CreateTriggerRequest } from './requests';

/**
 * A trigger in a configuration document: the body that creates it, with every setting given
 * and no secret value. Secret-bearing fields appear only by shape, in the form that keeps a
 * stored value: `action.secretHeaders` names map to `null`, each `verification.secrets` item has
 * no `value`, a WhatsApp `apiKey` and Meta's `verifyToken` are left out. Give a value in their
 * place to set it; a secret named but neither given nor stored is refused.
 */
export type ConfigTrigger = CreateTriggerRequest;

/** Flow groups are the triggers' `watermarkGroup` values until they become a resource. */
export type ConfigFlowGroup = never;

/** `GET /api/config`; the `document` of `POST /api/config`. Triggers ordered by slug. */
export interface ConfigDocument {
  triggers: ConfigTrigger[];
  flowGroups: ConfigFlowGroup[];
}

/** `POST /api/config`. */
export interface ApplyConfigRequest {
  document: ConfigDocument;
  /** Answer the plan, change nothing. */
  dryRun?: boolean;
  /** Delete the triggers the document does not name (refused while they have open work). */
  prune?: boolean;
}

/** What an apply does (or, with `dryRun`, would do), slugs in order. */
export interface ConfigPlan {
  create: string[];
  /** Top-level fields whose value changes; a secret given with a new value counts. */
  update: { slug: string; fields: string[] }[];
  delete: string[];
}
