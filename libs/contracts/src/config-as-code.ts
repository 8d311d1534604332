// Configuration as code (SPEC §18): every trigger as one JSON document, without secrets.
import type { PutFlowGroupRequest } from './flow-groups';
import type { CreateTriggerRequest } from './requests';

/**
 * A trigger in a configuration document: the body that creates it, with every setting given
 * and no secret value. Secret-bearing fields appear only by shape, in the form that keeps a
 * stored value: `action.secretHeaders` names map to `null`, each `verification.secrets` item has
 * no `value`, a WhatsApp `apiKey` and Meta's `verifyToken` are left out. Give a value in their
 * place to set it; a secret named but neither given nor stored is refused.
 */
export type ConfigTrigger = CreateTriggerRequest;

/** A flow group in a configuration document: its name and every limit (null: off). */
export type ConfigFlowGroup = Required<PutFlowGroupRequest> & { name: string };

/**
 * `GET /api/config`; the `document` of `POST /api/config`. Triggers ordered by slug, flow groups
 * by name; `flowGroups` may be left out (a document without groups).
 */
export interface ConfigDocument {
  triggers: ConfigTrigger[];
  flowGroups: ConfigFlowGroup[];
}

/** `POST /api/config`. */
export interface ApplyConfigRequest {
  document: ConfigDocument;
  /** Answer the plan, change nothing. */
  dryRun?: boolean;
  /**
   * Delete the triggers the document does not name (refused while they have open work), and the
   * flow groups neither it nor its triggers name.
   */
  prune?: boolean;
}

/** What an apply does (or, with `dryRun`, would do), slugs in order. */
export interface ConfigPlan {
  create: string[];
  /** Top-level fields whose value changes; a secret given with a new value counts. */
  update: { slug: string; fields: string[] }[];
  delete: string[];
  /** The same for flow groups, by name. */
  flowGroups: { create: string[]; update: { name: string; fields: string[] }[]; delete: string[] };
}
