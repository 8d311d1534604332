import type { Alert, Stats } from '@triggerline/contracts';
import { REJECTION_REASON_LABELS } from '../rejections/rejection-outcome';

/** Where a banner sends the reader to act on it. */
export interface BannerLink {
  commands: string[];
  queryParams?: Record<string, string>;
  label: string;
}

export interface AlertBanner {
  /** Tells banners apart: the code, and the trigger for those shown per trigger. */
  key: string;
  /** `warning` is the yellow watermark banner, `danger` the red growing-DLQ banner. */
  level: 'warning' | 'danger';
  code: Alert['code'];
  message: string;
  link: BannerLink;
}

const STATS_LINK: BannerLink = { commands: ['/stats'], label: 'See stats' };

/** The banners for the latest stats: red first, then yellow; none before the first poll. */
export function alertBanners(stats: Stats | null): AlertBanner[] {
  if (stats === null) {
    return [];
  }
  const banners: AlertBanner[] = [];
  for (const alert of stats.alerts) {
    if (alert.code === 'dlq_growing') {
      banners.push({
        key: alert.code,
        level: 'danger',
        code: alert.code,
        message: `The dead-letter queue is growing: ${alert.dlqSize} unresolved (alert above ${alert.threshold}).`,
        link: { commands: ['/dead-letters'], label: 'Review dead letters' },
      });
    }
  }
  for (const alert of stats.alerts) {
    if (alert.code === 'outcome_unknown') {
      banners.push({
        key: alert.code,
        level: 'warning',
        code: alert.code,
        message: `${alert.count} execution(s) sent with no answer: confirm whether they were delivered.`,
        link: {
          commands: ['/executions'],
          queryParams: { status: 'outcome_unknown' },
          label: 'Review them',
        },
      });
    }
  }
  const hits = [
    ...stats.triggers
      .filter((trigger) => trigger.watermarkHit)
      .map((hit) => `${hit.slug} (${hit.executions24h}/${hit.dailyWatermark ?? '–'})`),
    ...(stats.flowGroups ?? [])
      .filter((group) => group.watermarkHit)
      .map(
        (hit) => `flow group ${hit.name} (${hit.firstAttempts24h}/${hit.dailyWatermark ?? '–'})`,
      ),
  ];
  if (hits.length > 0) {
    const list = hits.join(', ');
    banners.push({
      key: 'watermark_hit',
      level: 'warning',
      code: 'watermark_hit',
      message: `Daily watermark crossed in the last 24 h: ${list}.`,
      link: STATS_LINK,
    });
  }
  const slugs = new Map(stats.triggers.map((trigger) => [trigger.id, trigger.slug]));
  const silent = stats.alerts.flatMap((alert) =>
    alert.code === 'trigger_silent'
      ? [
          `${slugs.get(alert.triggerId) ?? alert.triggerId} (since ${readable(alert.lastDeliveryAt)})`,
        ]
      : [],
  );
  const open = stats.alerts.flatMap((alert) =>
    alert.code === 'circuit_open'
      ? [`${slugs.get(alert.triggerId) ?? alert.triggerId} (since ${readable(alert.since)})`]
      : [],
  );
  // One per trigger, each linking to what that trigger refused.
  const rejecting = stats.alerts.flatMap((alert): AlertBanner[] =>
    alert.code === 'trigger_rejecting'
      ? [
          {
            key: `${alert.code}:${alert.triggerId}`,
            level: 'danger',
            code: alert.code,
            message: `Trigger ${slugs.get(alert.triggerId) ?? alert.triggerId} refused ${alert.count} deliveries in 15 minutes (${REJECTION_REASON_LABELS[alert.reason] ?? alert.reason}).`,
            link: {
              commands: ['/triggers', alert.triggerId, 'rejections'],
              label: 'See rejected deliveries',
            },
          },
        ]
      : [],
  );
  const dangers = banners.filter((banner) => banner.level === 'danger').length;
  banners.splice(
    dangers,
    0,
    ...(open.length > 0
      ? [
          {
            key: 'circuit_open',
            level: 'danger' as const,
            code: 'circuit_open' as const,
            message: `Circuit open, attempts held until a probe succeeds: ${open.join(', ')}.`,
            link: STATS_LINK,
          },
        ]
      : []),
    ...rejecting,
  );
  if (silent.length > 0) {
    banners.push({
      key: 'trigger_silent',
      level: 'warning',
      code: 'trigger_silent',
      message: `No webhook for longer than the silence alert allows: ${silent.join(', ')}.`,
      link: STATS_LINK,
    });
  }
  return banners;
}

/** `2026-11-24 06:50 UTC`, the same in every time zone as in the Slack message. */
function readable(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
