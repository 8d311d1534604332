import PinoPretty from 'pino-pretty';
import type { LogFormat } from './env.schema';

/**
 * Where log entries go: JSON lines to standard output (pino's default, for collectors), or one
 * readable line per entry for a person at a terminal:
 * `06:50:01.123 INFO  Replay execution_replayed executionId="…" replayId="…"`.
 */
export function logDestination(format: LogFormat): PinoPretty.PrettyStream | undefined {
  if (format === 'json') {
    return undefined;
  }
  return PinoPretty({
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
