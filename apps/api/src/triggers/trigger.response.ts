import {
  type Action,
  type Circuit,
  effectiveClassificationRules,
  effectiveMessage,
  effectiveProvider,
  effectiveReconcileAfterMs,
  effectiveUnknownOutcome,
  type Trigger,
} from '@triggerline/contracts';
import type { StoredAction, TriggerEntity } from './trigger.entity';
import {
  effectiveIdempotencyKeyHeaders,
  effectiveIdempotencyKeyPaths,
  effectiveRedactPaths,
  toVerificationResponse,
} from './trigger-secrets';

/** The action as the API shows it: secrets replaced by a flag. */
export function toActionResponse(action: StoredAction): Action {
  switch (action.type) {
    case 'http':
      // Field by field: a stored field added later must not reach an answer by accident.
      return {
        type: action.type,
        url: action.url,
        method: action.method,
        headers: action.headers ?? null,
        secretHeaderNames: Object.keys(action.secretHeaders ?? {}),
        body: action.body ?? 'payload',
        forwardHeaders: action.forwardHeaders ?? [],
        signing:
          action.signing === undefined || action.signing === null
            ? null
            : { scheme: action.signing.scheme, hasSecret: action.signing.secret !== '' },
        timeoutMs: action.timeoutMs,
      };
    case 'whatsapp': {
      // Field by field, as for http: the sealed apiKey never reaches an answer.
      const message = effectiveMessage(action) ?? { kind: 'text', textTemplate: '' };
      return {
        type: action.type,
        provider: effectiveProvider(action),
        baseUrl: action.baseUrl,
        instance: action.instance ?? null,
        phoneNumberId: action.phoneNumberId ?? null,
        toPath: action.toPath,
        textTemplate: message.kind === 'text' ? message.textTemplate : null,
        message,
        typingDelayMs: action.typingDelayMs ?? null,
        reconcileAfterMs: effectiveReconcileAfterMs(action),
        timeoutMs: action.timeoutMs,
        hasApiKey: action.apiKey !== null && action.apiKey !== '',
      };
    }
  }
}

const CLOSED_CIRCUIT: Circuit = {
  state: 'closed',
  consecutiveFailures: 0,
  openedAt: null,
  reopensAt: null,
};

/** The trigger as the API shows it; `circuit` is read from flow control's own table. */
export function toTriggerResponse(
  trigger: TriggerEntity,
  circuit: Circuit = CLOSED_CIRCUIT,
): Trigger {
  return {
    id: trigger.id,
    name: trigger.name,
    slug: trigger.slug,
    enabled: trigger.enabled,
    action: trigger.action === null ? null : toActionResponse(trigger.action),
    routes: (trigger.routes ?? []).map((route) => ({
      trigger: route.trigger,
      filter: route.filter,
    })),
    retryPolicy: trigger.retryPolicy,
    idempotencyKeyPaths: effectiveIdempotencyKeyPaths(trigger),
    filter: trigger.filter,
    redactPaths: effectiveRedactPaths(trigger),
    hasSecret: trigger.verification !== null || trigger.secret !== null,
    dailyWatermark: trigger.dailyWatermark,
    onDeadLetter: trigger.onDeadLetter,
    silenceAlertMinutes: trigger.silenceAlertMinutes,
    onUnknownOutcome: effectiveUnknownOutcome(
      trigger.action?.type ?? 'http',
      trigger.onUnknownOutcome,
    ),
    createdAt: trigger.createdAt.toISOString(),
    updatedAt: trigger.updatedAt.toISOString(),
    verification: toVerificationResponse(trigger.verification),
    idempotencyKeyHeaders: effectiveIdempotencyKeyHeaders(trigger),
    rateLimit: trigger.rateLimit,
    maxConcurrency: trigger.maxConcurrency,
    circuitBreaker: trigger.circuitBreaker,
    dailyWatermarkAction: trigger.dailyWatermarkAction,
    watermarkGroup: trigger.watermarkGroup,
    flowGroup: trigger.watermarkGroup,
    paused: trigger.paused,
    circuit,
    classificationRules: effectiveClassificationRules({
      action: trigger.action,
      rules: trigger.classificationRules,
    }),
    hasOwnClassificationRules: trigger.classificationRules !== null,
    orderingKeyPath: trigger.orderingKeyPath,
    orderingOnDeadLetter: trigger.orderingOnDeadLetter,
    deliveryWindow: trigger.deliveryWindow,
    delayMs: trigger.delayMs,
  };
}
