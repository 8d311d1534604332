import type { FlowGroup } from '@triggerline/contracts';
import {
  flowGroupForm,
  groupWatermarkPercent,
  toFlowGroupFormValue,
  toPutFlowGroupRequest,
} from './flow-group-form-model';

const group: FlowGroup = {
  name: 'wa-number',
  rateLimit: { limit: 1, periodMs: 2000 },
  maxConcurrency: null,
  dailyWatermark: 200,
  dailyWatermarkAction: 'hold',
  triggers: ['orders'],
  usage: { firstAttempts24h: 50, watermarkHit: false, running: 0 },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe(toPutFlowGroupRequest.name, () => {
  it('gives every limit, null where the form is empty', () => {
    const sut = toPutFlowGroupRequest(toFlowGroupFormValue(group));
    expect(sut).toEqual({
      rateLimit: { limit: 1, periodMs: 2000 },
      maxConcurrency: null,
      dailyWatermark: 200,
      dailyWatermarkAction: 'hold',
    });
  });

  it('switches the rate limit off when its limit is empty', () => {
    const form = flowGroupForm();
    form.setValue({ ...toFlowGroupFormValue(group), rateLimit: '' });
    expect(toPutFlowGroupRequest(form.getRawValue()).rateLimit).toBeNull();
  });

  it('refuses a name that is not slug-shaped and a limit out of range', () => {
    const form = flowGroupForm();
    form.setValue({ ...toFlowGroupFormValue(group), name: 'Not A Slug', maxConcurrency: '0' });
    expect(form.controls.name.invalid).toBe(true);
    expect(form.controls.maxConcurrency.invalid).toBe(true);
  });
});

describe(groupWatermarkPercent.name, () => {
  it('is the share of the watermark used, at most 100', () => {
    expect(groupWatermarkPercent(group)).toBe(25);
    expect(
      groupWatermarkPercent({ ...group, usage: { ...group.usage, firstAttempts24h: 500 } }),
    ).toBe(100);
    expect(groupWatermarkPercent({ ...group, dailyWatermark: null })).toBe(0);
  });
});
