import type PinoPretty from 'pino-pretty';
import type { LogFormat } from './env.schema';

/**
 * Where log entries go: JSON lines to standard output (pino's default, for collectors), or one
 * readable line per entry for a person at a terminal:
 * `06:50:01.123 INFO  Replay execution_replayed executionId="…" replayId="…"`.
 */
export async function logDestination(
  format: LogFormat,
): Promise<PinoPretty.PrettyStream | undefined> {
  if (format === 'json') {
    return undefined;
  }
  // Loaded only for a person at a terminal: JSON processes (production, workers) never do.
  const { default: pinoPretty } = await import('pino-pretty');
  return pinoPretty({
    colorize: process.stdout.isTTY === true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context,evt',
    messageFormat: (log, messageKey) =>
      [log['context'], log['evt'] ?? log[messageKey]]
        .filter((part) => typeof part === 'string' && part !== '')
        .join(' '),
  });
}
