import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { computed, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { Stats } from '@triggerline/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { statsWith } from '../testing/fixtures';
import { App } from './app';
import { alertBanners } from './core/alert-banners';
import { Session } from './core/session';
import { StatsMonitor } from './stats/stats-monitor';

const quietFlow = { backlog: 0, paused: false, circuitState: 'closed' as const };

describe(App.name, () => {
  const stats = signal<Stats | null>(null);

  beforeEach(() => {
    stats.set(null);
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(),
        provideHttpClientTesting(),
        {
          provide: StatsMonitor,
          useValue: {
            stats,
            dlqSize: computed(() => stats()?.dlqSize ?? 0),
            banners: computed(() => alertBanners(stats())),
          },
        },
      ],
    });
    TestBed.inject(Session).signIn('token', { name: 'admin-token', role: 'admin' });
  });

  async function render(): Promise<HTMLElement> {
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('shows no banner while nothing is wrong', async () => {
    stats.set(statsWith());
    const sut = await render();
    expect(sut.querySelector('.banner')).toBeNull();
    expect(sut.querySelector('nav, [aria-label="Main navigation"]')).not.toBeNull();
  });

  it('shows the yellow banner while a watermark is hit', async () => {
    stats.set(
      statsWith({
        watermarkHit: true,
        triggers: [
          {
            id: 'a',
            slug: 'orders',
            executions24h: 6,
            dailyWatermark: 5,
            watermarkHit: true,
            ...quietFlow,
          },
        ],
      }),
    );
    const sut = await render();
    const banner = sut.querySelector('[data-testid="banner-watermark_hit"]');
    expect(banner?.classList).toContain('banner-warning');
    expect(banner?.textContent).toContain('orders (6/5)');
  });

  it('shows the red banner and the DLQ size in the navigation while the DLQ grows', async () => {
    stats.set(
      statsWith({ dlqSize: 11, alerts: [{ code: 'dlq_growing', dlqSize: 11, threshold: 10 }] }),
    );
    const sut = await render();
    expect(sut.querySelector('[data-testid="banner-dlq_growing"]')?.classList).toContain(
      'banner-danger',
    );
    expect(sut.querySelector('[data-testid="dlq-badge"]')?.textContent).toContain('11');
  });

  it('shows who is signed in, and the tokens and audit pages to admins only', async () => {
    stats.set(statsWith());
    const asAdmin = await render();
    expect(asAdmin.querySelector('[data-testid="caller"]')?.textContent).toContain('admin-token');
    expect(asAdmin.textContent).toContain('API tokens');
    expect(asAdmin.textContent).toContain('Audit log');

    TestBed.inject(Session).signIn('token', { name: 'support-desk', role: 'viewer' });
    const asViewer = await render();
    expect(asViewer.querySelector('[data-testid="caller"]')?.textContent).toContain('viewer');
    expect(asViewer.textContent).not.toContain('API tokens');
    expect(asViewer.textContent).not.toContain('Audit log');
  });
});
