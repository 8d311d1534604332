import { type Alert, describeRule } from '@triggerline/contracts';
import { assertUnreachable } from '../http/domain-error';

/**
 * The one line a person reads in Slack (or Mattermost) for an alert: what, which trigger,
 * since when, and a link to the console when PUBLIC_URL is known.
 */
export function slackText(input: {
  alert: Alert;
  triggerSlug: string | null;
  startedAt: Date;
  publicUrl: string | undefined;
}): string {
  const { alert, startedAt, publicUrl } = input;
  const trigger = `trigger ${escape(input.triggerSlug ?? 'unknown (deleted)')}`;
  const link = (path: string) =>
    publicUrl === undefined ? '' : ` <${publicUrl}/admin/${path}|Open in Triggerline>`;
  switch (alert.code) {
    case 'watermark_hit':
      if ('group' in alert) {
        return (
          `:warning: watermark_hit: flow group ${escape(alert.group)} started ${alert.count} ` +
          `first attempts in 24 h, above its daily watermark of ${alert.threshold} ` +
          `(since ${readable(startedAt)}).` +
          link('flow-groups')
        );
      }
      return (
        `:warning: watermark_hit: ${trigger} received ${alert.count} executions in 24 h, ` +
        `above its daily watermark of ${alert.threshold} (since ${readable(startedAt)}).` +
        link(`triggers/${alert.triggerId}`)
      );
    case 'dlq_growing':
      return (
        `:rotating_light: dlq_growing: ${alert.dlqSize} unresolved dead letters, above the ` +
        `threshold of ${alert.threshold} (since ${readable(startedAt)}).` +
        link('dead-letters')
      );
    case 'trigger_silent':
      return (
        `:zzz: trigger_silent: ${trigger} has received no webhook since ` +
        `${readable(new Date(alert.lastDeliveryAt))} (silence alert after ` +
        `${alert.thresholdMinutes} min).` +
        link(`triggers/${alert.triggerId}`)
      );
    case 'circuit_open':
      return (
        `:electric_plug: circuit_open: ${trigger} failed repeatedly; its attempts wait for the ` +
        `circuit breaker's probe (open since ${readable(new Date(alert.since))}).` +
        link(`triggers/${alert.triggerId}`)
      );
    case 'trigger_rejecting':
      return (
        `:no_entry: trigger_rejecting: ${trigger} refused ${alert.count} deliveries in the last ` +
        `15 minutes, mostly ${alert.reason}; they are kept and can be retried.` +
        link(`triggers/${alert.triggerId}/rejections`)
      );
    case 'trigger_paused_by_rule':
      return (
        `:pause_button: trigger_paused_by_rule: ${trigger} was paused at ` +
        `${readable(new Date(alert.at))} by its classification rule ` +
        `${escape(describeRule(alert.rule))}; resume it once the gateway is fixed.` +
        link(`triggers/${alert.triggerId}`)
      );
    case 'outcome_unknown':
      return (
        `:question: outcome_unknown: ${alert.count} executions wait for an operator to confirm ` +
        `whether they were delivered (since ${readable(startedAt)}).` +
        link('executions')
      );
    default:
      return assertUnreachable(alert);
  }
}

/** `2026-11-24 06:50 UTC`. */
function readable(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

// Slack's three control characters in message text.
function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
