import type { ActionRequest, ConfigTrigger, VerificationInput } from '@triggerline/contracts';
import type { StoredAction, StoredVerification, TriggerEntity } from '../triggers/trigger.entity';

type StoredTrigger = Omit<
  TriggerEntity,
  'id' | 'paused' | 'pausedByRule' | 'secret' | 'createdAt' | 'updatedAt'
>;

/**
 * A stored trigger as a configuration document holds it: every setting as stored (null where
 * the trigger takes a preset), no secret value. Read back through the create body's rules it
 * gives the same trigger, its secrets kept. `paused` (by hand or by a rule) is an operator's
 * state, not configuration.
 */
export function toConfigTrigger(trigger: StoredTrigger): ConfigTrigger {
  return {
    slug: trigger.slug,
    name: trigger.name,
    enabled: trigger.enabled,
    action: trigger.action === null ? null : toConfigAction(trigger.action),
    ...(trigger.routes === null ? {} : { routes: trigger.routes }),
    retryPolicy: {
      maxAttempts: trigger.retryPolicy.maxAttempts,
      baseDelayMs: trigger.retryPolicy.baseDelayMs,
      maxDelayMs: trigger.retryPolicy.maxDelayMs,
      jitterMs: trigger.retryPolicy.jitterMs,
    },
    idempotencyKeyPaths: trigger.idempotencyKeyPaths,
    idempotencyKeyHeaders: trigger.idempotencyKeyHeaders,
    filter: trigger.filter,
    redactPaths: trigger.redactPaths,
    verification: toConfigVerification(trigger.verification),
    dailyWatermark: trigger.dailyWatermark,
    dailyWatermarkAction: trigger.dailyWatermarkAction,
    flowGroup: trigger.watermarkGroup,
    onDeadLetter: trigger.onDeadLetter,
    silenceAlertMinutes: trigger.silenceAlertMinutes,
    onUnknownOutcome: trigger.onUnknownOutcome,
    rateLimit: trigger.rateLimit,
    maxConcurrency: trigger.maxConcurrency,
    circuitBreaker: trigger.circuitBreaker,
    classificationRules: trigger.classificationRules,
    orderingKeyPath: trigger.orderingKeyPath,
    orderingOnDeadLetter: trigger.orderingOnDeadLetter,
    deliveryWindow: trigger.deliveryWindow,
    delayMs: trigger.delayMs,
  };
}

// Field by field, like the API's answers: a stored field added later must not leak by accident.
function toConfigAction(action: StoredAction): ActionRequest {
  switch (action.type) {
    case 'http': {
      const secretNames = Object.keys(action.secretHeaders ?? {}).sort();
      return {
        type: 'http',
        url: action.url,
        method: action.method,
        ...(action.headers === null ? {} : { headers: sortedRecord(action.headers) }),
        // null: keep the stored value (the update body's rule).
        ...(secretNames.length === 0
          ? {}
          : { secretHeaders: Object.fromEntries(secretNames.map((name) => [name, null])) }),
        ...(action.body === undefined || action.body === 'payload' ? {} : { body: action.body }),
        ...(action.forwardHeaders === undefined || action.forwardHeaders.length === 0
          ? {}
          : { forwardHeaders: action.forwardHeaders }),
        // The secret left out: applied where signing is on, the stored secret is kept.
        ...(action.signing === undefined || action.signing === null
          ? {}
          : { signing: { scheme: action.signing.scheme } }),
        timeoutMs: action.timeoutMs,
      };
    }
    case 'whatsapp':
      // Only what is set: a v1 row (no provider, a top-level template) stays a v1 document.
      return {
        type: 'whatsapp',
        ...(action.provider === undefined ? {} : { provider: action.provider }),
        baseUrl: action.baseUrl,
        ...(action.instance === undefined || action.instance === null
          ? {}
          : { instance: action.instance }),
        ...(action.phoneNumberId === undefined || action.phoneNumberId === null
          ? {}
          : { phoneNumberId: action.phoneNumberId }),
        toPath: action.toPath,
        ...(action.textTemplate === undefined || action.textTemplate === null
          ? {}
          : { textTemplate: action.textTemplate }),
        ...(action.message === undefined || action.message === null
          ? {}
          : { message: action.message }),
        ...(action.typingDelayMs === undefined || action.typingDelayMs === null
          ? {}
          : { typingDelayMs: action.typingDelayMs }),
        ...(action.reconcileAfterMs === undefined || action.reconcileAfterMs === null
          ? {}
          : { reconcileAfterMs: action.reconcileAfterMs }),
        timeoutMs: action.timeoutMs,
      };
  }
}

const VERIFICATION_OPTIONS = ['in', 'name', 'header', 'algorithm', 'encoding', 'prefix'] as const;

function toConfigVerification(stored: StoredVerification | null): VerificationInput | null {
  if (stored === null) {
    return null;
  }
  const options = Object.fromEntries(
    VERIFICATION_OPTIONS.filter((key) => stored[key] !== undefined).map((key) => [
      key,
      stored[key],
    ]),
  );
  return {
    scheme: stored.scheme,
    // An item without a value keeps the stored secret at its position.
    secrets: stored.secrets.map((secret) => ({ expiresAt: secret.expiresAt })),
    toleranceSeconds: stored.toleranceSeconds,
    ...options,
  };
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The top-level fields whose configuration differs, in the document's order, plus those whose
 * secrets (opened, so a value sent again unchanged does not count) differ.
 */
export function changedConfigFields(input: {
  before: ConfigTrigger;
  after: ConfigTrigger;
  secretsBefore: Map<string, string>;
  secretsAfter: Map<string, string>;
}): string[] {
  const { before, after, secretsBefore, secretsAfter } = input;
  const fields = new Set<string>();
  for (const key of Object.keys(after) as (keyof ConfigTrigger)[]) {
    if (canonicalJson(before[key]) !== canonicalJson(after[key])) {
      fields.add(key);
    }
  }
  for (const path of new Set([...secretsBefore.keys(), ...secretsAfter.keys()])) {
    if (secretsBefore.get(path) !== secretsAfter.get(path)) {
      fields.add(topLevelField(path));
    }
  }
  const order = Object.keys(after);
  return [...fields].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

// `action.secretHeaders.Authorization` → `action`; `verification.secrets[0]` → `verification`.
function topLevelField(path: string): string {
  return path.split(/[.[]/)[0];
}

/** JSON with object keys sorted: equal values give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : item,
  );
}

/** Slugs given more than once, each once. */
export function duplicateSlugs(slugs: string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const slug of slugs) {
    (seen.has(slug) ? repeated : seen).add(slug);
  }
  return [...repeated];
}
