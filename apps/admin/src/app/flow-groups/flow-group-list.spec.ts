import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { FlowGroup } from '@triggerline/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { setUpApi } from '../../testing/api-testing';
import { Session } from '../core/session';
import { FlowGroupList } from './flow-group-list';

const group: FlowGroup = {
  name: 'wa-number',
  rateLimit: { limit: 1, periodMs: 2000 },
  maxConcurrency: 1,
  dailyWatermark: 4,
  dailyWatermarkAction: 'hold',
  triggers: ['orders', 'reminders'],
  usage: { firstAttempts24h: 5, watermarkHit: true, running: 1 },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe(FlowGroupList.name, () => {
  let backend: HttpTestingController;

  beforeEach(() => {
    backend = setUpApi();
  });

  async function render(role: 'viewer' | 'admin') {
    TestBed.inject(Session).signIn('token', { name: 'someone', role });
    const fixture = TestBed.createComponent(FlowGroupList);
    TestBed.tick();
    backend.expectOne('/api/flow-groups').flush({ items: [group] });
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it("shows each group's limits, triggers and watermark gauge; a viewer gets no form", async () => {
    const element = await render('viewer');
    const row = element.querySelector('[data-group="wa-number"]')!;
    expect(row.textContent).toContain('1 per 2000 ms · 1 at once · 4 a day (hold)');
    expect(row.textContent).toContain('orders, reminders');
    expect(element.querySelector('[data-testid="usage-wa-number"]')?.textContent).toContain(
      'watermark hit',
    );
    expect(element.querySelector('[data-testid="group-name"]')).toBeNull();
    expect(row.querySelector('button')).toBeNull();
  });

  it('edits a group: the form holds its limits and PUTs them all back', async () => {
    const element = await render('admin');
    element.querySelector<HTMLButtonElement>('[aria-label="Edit wa-number"]')!.click();
    const concurrency = element.querySelector<HTMLInputElement>(
      '[data-testid="group-concurrency"]',
    )!;
    concurrency.value = '';
    concurrency.dispatchEvent(new Event('input'));
    element.querySelector<HTMLButtonElement>('[data-testid="save-group"]')!.click();
    const put = backend.expectOne({ method: 'PUT', url: '/api/flow-groups/wa-number' });
    expect(put.request.body).toEqual({
      rateLimit: { limit: 1, periodMs: 2000 },
      maxConcurrency: null,
      dailyWatermark: 4,
      dailyWatermarkAction: 'hold',
    });
  });
});
