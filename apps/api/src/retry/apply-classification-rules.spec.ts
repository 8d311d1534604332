import type { AttemptResult } from '../dispatch/actions/send-request';
import { applyClassificationRules } from './apply-classification-rules';

describe(applyClassificationRules.name, () => {
  const answered: AttemptResult = {
    outcome: 'transient',
    httpStatus: 500,
    error: 'HTTP 500 Internal Server Error',
    responseExcerpt: '{"error":"client disconnected"}',
    retryAfterMs: null,
  };

  it('turns a matching pause rule into a transient attempt and names the rule', () => {
    const rule = {
      status: '5xx' as const,
      bodyContains: 'client disconnected',
      outcome: 'pause' as const,
    };
    const sut = applyClassificationRules(answered, [{ status: 404, outcome: 'success' }, rule]);
    expect(sut.pauseRule).toBe(rule);
    expect(sut.result.outcome).toBe('transient');
    expect(sut.result.error).toBe(
      'HTTP 500 Internal Server Error; classification rule 2 (5xx + "client disconnected" → pause)',
    );
  });

  it('makes a permanent failure of a matching permanent rule, without Retry-After', () => {
    const sut = applyClassificationRules({ ...answered, retryAfterMs: 5000 }, [
      { status: 500, outcome: 'permanent' },
    ]);
    expect(sut).toMatchObject({
      pauseRule: null,
      result: { outcome: 'permanent', retryAfterMs: null },
    });
  });

  it('makes a success of a matching success rule', () => {
    const sut = applyClassificationRules(answered, [
      { bodyContains: 'disconnected', outcome: 'success' },
    ]);
    expect(sut.result).toMatchObject({ outcome: 'success', error: null });
  });

  it('leaves the built-in verdict when no rule matches, or no response came', () => {
    const rules = [{ status: 404, outcome: 'permanent' as const }];
    expect(applyClassificationRules(answered, rules)).toEqual({
      result: answered,
      pauseRule: null,
    });
    const refused = { ...answered, httpStatus: null, responseExcerpt: null };
    expect(applyClassificationRules(refused, [{ outcome: 'success' }])).toEqual({
      result: refused,
      pauseRule: null,
    });
  });
});
