import type { WhatsappProvider } from './whatsapp-request';

/** SPEC §15: what a matching response makes of an attempt. */
export const RULE_OUTCOMES = ['success', 'transient', 'permanent', 'pause'] as const;
export type RuleOutcome = (typeof RULE_OUTCOMES)[number];

export const MAX_CLASSIFICATION_RULES = 20;
export const MAX_RULE_BODY_CONTAINS = 512;

export type RuleStatus = number | number[] | '4xx' | '5xx';

export interface ClassificationRule {
  status?: RuleStatus;
  /** Case-sensitive substring of the response body (its stored excerpt). */
  bodyContains?: string;
  outcome: RuleOutcome;
}

/** What a rule looks at: an answered request. Failures without a status never match. */
export interface RuleResponse {
  status: number;
  body: string | null;
}

export type RuleMatch = { rule: ClassificationRule; index: number } | null;

/** The first rule that matches the response; null when none does (the built-in classifier decides). */
export function matchClassificationRule(
  rules: readonly ClassificationRule[],
  response: RuleResponse,
): RuleMatch {
  const index = rules.findIndex((rule) => isMatch(rule, response));
  return index === -1 ? null : { rule: rules[index], index };
}

function isMatch(rule: ClassificationRule, response: RuleResponse): boolean {
  if (rule.status !== undefined && !isStatusMatch(rule.status, response.status)) {
    return false;
  }
  if (rule.bodyContains !== undefined && !(response.body ?? '').includes(rule.bodyContains)) {
    return false;
  }
  return true;
}

function isStatusMatch(expected: RuleStatus, status: number): boolean {
  if (expected === '4xx') {
    return status >= 400 && status <= 499;
  }
  if (expected === '5xx') {
    return status >= 500 && status <= 599;
  }
  return Array.isArray(expected) ? expected.includes(status) : expected === status;
}

/** A rule as written for display and logs: `500 + "not registered" → permanent`. */
export function describeRule(rule: ClassificationRule): string {
  const parts = [
    rule.status === undefined
      ? null
      : Array.isArray(rule.status)
        ? rule.status.join('|')
        : String(rule.status),
    rule.bodyContains === undefined ? null : JSON.stringify(rule.bodyContains),
  ].filter((part): part is string => part !== null);
  return `${parts.length === 0 ? 'any response' : parts.join(' + ')} → ${rule.outcome}`;
}

/**
 * Each provider's documented answers that the built-in classifier gets wrong (docs/whatsapp.md
 * says why each is there, with the provider's page): a number that is not on WhatsApp is final,
 * a disconnected session needs a person, Meta's closed customer-service window is final.
 */
export function defaultClassificationRules(provider: WhatsappProvider): ClassificationRule[] {
  switch (provider) {
    case 'evolution-go':
      return [
        { status: 500, bodyContains: 'not registered on WhatsApp', outcome: 'permanent' },
        { status: '5xx', bodyContains: 'client disconnected', outcome: 'pause' },
      ];
    case 'evolution-v2':
      return [
        { status: 400, bodyContains: '"exists":false', outcome: 'permanent' },
        { status: '5xx', bodyContains: 'Connection Closed', outcome: 'pause' },
      ];
    case 'meta-cloud':
      return [
        { status: '4xx', bodyContains: '131047', outcome: 'permanent' },
        { status: 401, bodyContains: '"code":190', outcome: 'pause' },
      ];
  }
}

/** The rules that apply: the trigger's own, else its provider's defaults (http: none). */
export function effectiveClassificationRules(input: {
  /** null: a pure router (SPEC §14), which sends nothing itself. */
  action: { type: 'http' } | { type: 'whatsapp'; provider?: WhatsappProvider } | null;
  rules: ClassificationRule[] | null;
}): ClassificationRule[] {
  if (input.rules !== null) {
    return input.rules;
  }
  return input.action?.type === 'whatsapp'
    ? defaultClassificationRules(input.action.provider ?? 'evolution-go')
    : [];
}

/** Why `value` is not a valid `classificationRules` list; null when it is (null itself is). */
export function classificationRulesProblem(value: unknown): string | null {
  if (value === null) {
    return null;
  }
  if (!Array.isArray(value)) {
    return 'classificationRules must be an array of rules or null';
  }
  if (value.length > MAX_CLASSIFICATION_RULES) {
    return `classificationRules must have at most ${MAX_CLASSIFICATION_RULES} rules`;
  }
  for (const [index, rule] of value.entries()) {
    const problem = ruleProblem(rule);
    if (problem !== null) {
      return `classificationRules[${index}]: ${problem}`;
    }
  }
  return null;
}

function ruleProblem(rule: unknown): string | null {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
    return 'must be an object';
  }
  const { status, bodyContains, outcome, ...rest } = rule as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    return `unknown field "${unknown[0]}" (status, bodyContains, outcome)`;
  }
  if (!RULE_OUTCOMES.includes(outcome as RuleOutcome)) {
    return `outcome must be one of ${RULE_OUTCOMES.join(', ')}`;
  }
  const isCode = (code: unknown) =>
    Number.isInteger(code) && (code as number) >= 100 && (code as number) <= 599;
  const isStatus =
    status === undefined ||
    status === '4xx' ||
    status === '5xx' ||
    isCode(status) ||
    (Array.isArray(status) && status.length >= 1 && status.length <= 20 && status.every(isCode));
  if (!isStatus) {
    return 'status must be an HTTP status (100..599), a list of them, "4xx" or "5xx"';
  }
  if (
    bodyContains !== undefined &&
    (typeof bodyContains !== 'string' ||
      bodyContains.length === 0 ||
      bodyContains.length > MAX_RULE_BODY_CONTAINS)
  ) {
    return `bodyContains must be a string of 1 to ${MAX_RULE_BODY_CONTAINS} characters`;
  }
  return null;
}
