import fc from 'fast-check';
import {
  type ClassificationRule,
  classificationRulesProblem,
  defaultClassificationRules,
  effectiveClassificationRules,
  matchClassificationRule,
  RULE_OUTCOMES,
} from './classification-rules';
import { WHATSAPP_PROVIDERS } from './whatsapp-request';

const statuses = fc.integer({ min: 100, max: 599 });
const rules: fc.Arbitrary<ClassificationRule> = fc.record(
  {
    status: fc.oneof(
      statuses,
      fc.array(statuses, { minLength: 1, maxLength: 3 }),
      fc.constantFrom('4xx' as const, '5xx' as const),
    ),
    bodyContains: fc.string({ minLength: 1, maxLength: 5 }),
    outcome: fc.constantFrom(...RULE_OUTCOMES),
  },
  { requiredKeys: ['outcome'] },
);

describe(matchClassificationRule.name, () => {
  it('matches on status, list, class and body text together', () => {
    const sut = (rule: ClassificationRule, status: number, body: string | null) =>
      matchClassificationRule([rule], { status, body }) !== null;
    expect(sut({ status: 500, outcome: 'permanent' }, 500, null)).toBe(true);
    expect(sut({ status: [502, 503], outcome: 'permanent' }, 503, null)).toBe(true);
    expect(sut({ status: '4xx', outcome: 'permanent' }, 404, null)).toBe(true);
    expect(sut({ status: '4xx', outcome: 'permanent' }, 500, null)).toBe(false);
    expect(sut({ status: '5xx', bodyContains: 'gone', outcome: 'pause' }, 502, 'x gone')).toBe(
      true,
    );
    expect(sut({ status: '5xx', bodyContains: 'gone', outcome: 'pause' }, 502, null)).toBe(false);
    expect(sut({ bodyContains: 'gone', outcome: 'pause' }, 200, 'gone')).toBe(true);
  });

  it('picks the first rule that matches', () => {
    fc.assert(
      fc.property(
        fc.array(rules, { maxLength: 20 }),
        statuses,
        fc.string(),
        (list, status, body) => {
          const sut = matchClassificationRule(list, { status, body });
          const matching = list.map(
            (rule) => matchClassificationRule([rule], { status, body }) !== null,
          );
          expect(sut?.index ?? -1).toBe(matching.indexOf(true));
          if (sut !== null) {
            expect(sut.rule).toBe(list[sut.index]);
          }
        },
      ),
    );
  });

  it('lets a rule without conditions match any response', () => {
    fc.assert(
      fc.property(statuses, fc.option(fc.string(), { nil: null }), (status, body) => {
        expect(matchClassificationRule([{ outcome: 'success' }], { status, body })?.index).toBe(0);
      }),
    );
  });
});

describe(defaultClassificationRules.name, () => {
  it("classifies Evolution Go's not-registered answer permanent and a disconnected session pause", () => {
    const sut = defaultClassificationRules('evolution-go');
    const outcome = (status: number, body: string) =>
      matchClassificationRule(sut, { status, body })?.rule.outcome ?? null;
    expect(outcome(500, '{"error":"number 5511 is not registered on WhatsApp"}')).toBe('permanent');
    expect(outcome(500, '{"error":"client disconnected"}')).toBe('pause');
    expect(outcome(500, '{"error":"database is locked"}')).toBeNull();
  });

  it("classifies Meta's re-engagement error permanent", () => {
    const sut = defaultClassificationRules('meta-cloud');
    const body = '{"error":{"message":"Re-engagement message","code":131047}}';
    expect(matchClassificationRule(sut, { status: 400, body })?.rule.outcome).toBe('permanent');
  });

  it('gives every provider valid rules', () => {
    for (const provider of WHATSAPP_PROVIDERS) {
      expect(classificationRulesProblem(defaultClassificationRules(provider))).toBeNull();
    }
  });
});

describe(effectiveClassificationRules.name, () => {
  it("uses the trigger's own rules, else its provider's, and none for http", () => {
    const own: ClassificationRule[] = [{ status: 418, outcome: 'success' }];
    expect(effectiveClassificationRules({ action: { type: 'whatsapp' }, rules: own })).toBe(own);
    expect(effectiveClassificationRules({ action: { type: 'whatsapp' }, rules: [] })).toEqual([]);
    expect(effectiveClassificationRules({ action: { type: 'whatsapp' }, rules: null })).toEqual(
      defaultClassificationRules('evolution-go'),
    );
    expect(effectiveClassificationRules({ action: { type: 'http' }, rules: null })).toEqual([]);
  });
});

describe(classificationRulesProblem.name, () => {
  it('accepts every well-formed list of at most 20 rules', () => {
    fc.assert(
      fc.property(fc.array(rules, { maxLength: 20 }), (list) => {
        expect(classificationRulesProblem(list)).toBeNull();
      }),
    );
  });

  it('names what is wrong', () => {
    const rule = { outcome: 'permanent' };
    expect(classificationRulesProblem(Array(21).fill(rule))).toBe(
      'classificationRules must have at most 20 rules',
    );
    expect(classificationRulesProblem([rule, { outcome: 'retry' }])).toBe(
      'classificationRules[1]: outcome must be one of success, transient, permanent, pause',
    );
    expect(classificationRulesProblem([{ status: '3xx', outcome: 'success' }])).toMatch(/status/);
    expect(classificationRulesProblem([{ bodyContains: '', outcome: 'success' }])).toMatch(
      /bodyContains/,
    );
    expect(classificationRulesProblem([{ outcome: 'success', when: 1 }])).toMatch(/"when"/);
    expect(classificationRulesProblem('x')).toMatch(/array/);
  });
});
