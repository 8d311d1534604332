import type { Action, Trigger } from '@triggerline/contracts';
import type { StoredAction, TriggerEntity } from './trigger.entity';

/** The action as the API shows it: secrets replaced by a flag. */
export function toActionResponse(action: StoredAction): Action {
  switch (action.type) {
    case 'http':
      return { ...action, headers: action.headers ?? null };
    case 'whatsapp': {
      const { apiKey, ...visible } = action;
      return { ...visible, hasApiKey: apiKey !== null && apiKey !== '' };
    }
  }
}

export function toTriggerResponse(trigger: TriggerEntity): Trigger {
  return {
    id: trigger.id,
    name: trigger.name,
    slug: trigger.slug,
    enabled: trigger.enabled,
    action: toActionResponse(trigger.action),
    retryPolicy: trigger.retryPolicy,
    idempotencyKeyPaths: trigger.idempotencyKeyPaths,
    hasSecret: trigger.secret !== null,
    dailyWatermark: trigger.dailyWatermark,
    onDeadLetter: trigger.onDeadLetter,
    createdAt: trigger.createdAt.toISOString(),
    updatedAt: trigger.updatedAt.toISOString(),
  };
}
