import type { IncomingHttpHeaders } from 'node:http';

// What the hot paths ask of tracing (SPEC §18). The implementation, with the OpenTelemetry SDK,
// is loaded only when OTEL_* configures an exporter (tracing.module.ts); otherwise ingestion and
// the worker hold `null` and pay one comparison for tracing.

/** The Nest token of the process's `Tracing`, or of `null` when tracing is off. */
export const TRACING = Symbol('TRACING');

export interface TracedDelivery {
  slug: string;
  /** The request's headers: a W3C `traceparent` among them is continued. */
  headers: IncomingHttpHeaders;
}

export interface TracedAttempt {
  /** The delivery's server span (stored with the execution); null: the attempt starts a trace. */
  traceParent: string | null;
  executionId: string;
  triggerSlug: string;
  attempt: number;
  /** The request about to be sent. */
  request: { method: string; url: string; headers: Record<string, string> };
}

/** What a span records of an attempt's result. */
export interface TracedResult {
  outcome: string;
  httpStatus: number | null;
}

export interface Tracing {
  /**
   * Runs `handle` in the SERVER span of a delivery, a child of the sender's `traceparent` if any.
   * `handle` gets the span's own `traceparent`, to store with the executions it creates.
   */
  traceDelivery<T extends { httpStatus: number; body: unknown }>(
    delivery: TracedDelivery,
    handle: (traceParent: string) => Promise<T>,
  ): Promise<T>;
  /**
   * Sends an attempt's request in a CLIENT span: `send` gets the request's headers with that
   * span's `traceparent`.
   */
  traceAttempt<R extends TracedResult>(
    attempt: TracedAttempt,
    send: (headers: Record<string, string>) => Promise<R>,
  ): Promise<R>;
  /** Exports the spans still buffered and stops. */
  shutdown(): Promise<void>;
}
