import {
  type Alert,
  type ClassificationRule,
  isGroupWatermarkHit,
  type RejectionReason,
  type TriggerStats,
} from '@triggerline/contracts';
import { assertUnreachable } from '../http/domain-error';

/** A trigger with a silence alert, and when a webhook last reached it (else its creation). */
export interface SilenceWatch {
  triggerId: string;
  lastDeliveryAt: Date;
  thresholdMinutes: number;
}

/**
 * The alerts that hold for these numbers: crossed watermarks, open circuits, a growing DLQ,
 * unknown outcomes.
 */
export function currentAlerts(input: {
  triggers: TriggerStats[];
  openCircuits: { triggerId: string; since: Date }[];
  dlqSize: number;
  dlqThreshold: number;
  /** Executions waiting in outcome_unknown for an operator, of all time. */
  outcomeUnknown: number;
  silences: SilenceWatch[];
  /** Triggers that refused more deliveries in 15 minutes than REJECTION_ALERT_THRESHOLD. */
  rejecting: { triggerId: string; count: number; reason: RejectionReason }[];
  /** Triggers a `pause` classification rule paused, not resumed since (SPEC §15). */
  pausedByRule?: { triggerId: string; rule: ClassificationRule; at: string }[];
  /** Flow groups with a daily watermark, and their first attempts in the last 24 h. */
  groups?: { name: string; dailyWatermark: number | null; firstAttempts24h: number }[];
  /** The database's clock, which stamped the deliveries. */
  now: Date;
}): Alert[] {
  const alerts: Alert[] = input.triggers
    .filter((trigger) => trigger.watermarkHit && trigger.dailyWatermark !== null)
    .map((trigger) => ({
      code: 'watermark_hit',
      triggerId: trigger.id,
      count: trigger.executions24h,
      threshold: trigger.dailyWatermark!,
    }));
  for (const group of input.groups ?? []) {
    if (isGroupWatermarkHit(group)) {
      alerts.push({
        code: 'watermark_hit',
        group: group.name,
        count: group.firstAttempts24h,
        threshold: group.dailyWatermark!,
      });
    }
  }
  for (const circuit of input.openCircuits) {
    alerts.push({
      code: 'circuit_open',
      triggerId: circuit.triggerId,
      since: circuit.since.toISOString(),
    });
  }
  if (input.dlqSize > input.dlqThreshold) {
    alerts.push({ code: 'dlq_growing', dlqSize: input.dlqSize, threshold: input.dlqThreshold });
  }
  if (input.outcomeUnknown > 0) {
    alerts.push({ code: 'outcome_unknown', count: input.outcomeUnknown });
  }
  for (const watch of input.silences) {
    if (input.now.getTime() - watch.lastDeliveryAt.getTime() >= watch.thresholdMinutes * 60_000) {
      alerts.push({
        code: 'trigger_silent',
        triggerId: watch.triggerId,
        lastDeliveryAt: watch.lastDeliveryAt.toISOString(),
        thresholdMinutes: watch.thresholdMinutes,
      });
    }
  }
  for (const rejecting of input.rejecting) {
    alerts.push({ code: 'trigger_rejecting', ...rejecting });
  }
  for (const paused of input.pausedByRule ?? []) {
    alerts.push({ code: 'trigger_paused_by_rule', ...paused });
  }
  return alerts;
}

/** Identifies an alert across evaluations and processes. */
export function alertKey(alert: Alert): string {
  if (alert.code === 'watermark_hit' && 'group' in alert) {
    return `${alert.code}:group:${alert.group}`;
  }
  const triggerId = alertTriggerId(alert);
  return triggerId === null ? alert.code : `${alert.code}:${triggerId}`;
}

/** The trigger an alert is about; null for the service-wide ones. */
export function alertTriggerId(alert: Alert): string | null {
  switch (alert.code) {
    case 'watermark_hit':
      return 'group' in alert ? null : alert.triggerId;
    case 'circuit_open':
    case 'trigger_silent':
    case 'trigger_rejecting':
    case 'trigger_paused_by_rule':
      return alert.triggerId;
    case 'dlq_growing':
    case 'outcome_unknown':
      return null;
    default:
      return assertUnreachable(alert);
  }
}
