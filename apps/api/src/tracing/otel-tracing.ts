import { Logger } from '@nestjs/common';
import {
  context,
  diag,
  DiagLogLevel,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import type { TracingSettings } from '../config/app-config';
import { toErrorResponse } from '../http/error-response';
import type { Tracing, TracedAttempt, TracedDelivery, TracedResult } from './tracing';

// The OpenTelemetry side of tracing, imported only when tracing is on (tracing.module.ts). The
// SDK reads the standard variables itself: the endpoint and headers (the exporter), the sampler
// and the batch processor's OTEL_BSP_* (the provider), OTEL_SERVICE_NAME and
// OTEL_RESOURCE_ATTRIBUTES (the resource). Spans follow the HTTP semantic conventions; URLs stay
// out of them (a Slack webhook's path is its secret), only the server's address and port go in.

const SERVICE_NAME = 'triggerline';

async function exporterFor(settings: TracingSettings): Promise<SpanExporter> {
  if (settings.protocol === 'http/json') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter();
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter();
}

/** The SDK's own warnings (an export that failed, a bad OTEL_* value) in the service's log. */
function logSdkDiagnostics(): void {
  const logger = new Logger('Tracing');
  const log = (message: string, ...args: unknown[]) =>
    logger.warn({ evt: 'tracing_diagnostic', message, details: args.map(String) });
  diag.setLogger(
    { error: log, warn: log, info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  );
}

export async function startOtelTracing(settings: TracingSettings): Promise<Tracing> {
  logSdkDiagnostics();
  const provider = new NodeTracerProvider({
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the default name.
    resource: defaultResource()
      .merge(resourceFromAttributes({ 'service.name': SERVICE_NAME }))
      .merge(detectResources({ detectors: [envDetector] })),
    spanProcessors: [new BatchSpanProcessor(await exporterFor(settings))],
  });
  // W3C trace context (and baggage) propagation, AsyncLocalStorage context.
  provider.register();
  return new OtelTracing(provider.getTracer(SERVICE_NAME), provider);
}

/** The `traceparent` (and `tracestate`) of a span, as headers. */
function traceHeadersOf(span: Span): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
  return carrier;
}

function withoutTraceHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !TRACE_HEADERS.has(name.toLowerCase())),
  );
}
const TRACE_HEADERS = new Set(['traceparent', 'tracestate', 'baggage']);

class OtelTracing implements Tracing {
  constructor(
    private readonly tracer: Tracer,
    private readonly provider: NodeTracerProvider,
  ) {}

  async traceDelivery<T extends { httpStatus: number; body: unknown }>(
    delivery: TracedDelivery,
    handle: (traceParent: string) => Promise<T>,
  ): Promise<T> {
    const parent = propagation.extract(ROOT_CONTEXT, delivery.headers);
    const span = this.tracer.startSpan(
      'POST /hooks/:slug',
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': 'POST',
          'http.route': '/hooks/:slug',
          'triggerline.trigger.slug': delivery.slug,
        },
      },
      parent,
    );
    try {
      const answer = await context.with(trace.setSpan(parent, span), () =>
        handle(traceHeadersOf(span).traceparent),
      );
      span.setAttribute('http.response.status_code', answer.httpStatus);
      const executionId = (answer.body as { executionId?: unknown } | null)?.executionId;
      if (typeof executionId === 'string') {
        span.setAttribute('triggerline.execution.id', executionId);
      }
      return answer;
    } catch (error) {
      const { status, body } = toErrorResponse(error);
      span.setAttribute('http.response.status_code', status);
      span.setAttribute('error.type', body.error);
      // A refused delivery (4xx) is the sender's error, not this server's (semantic conventions).
      if (status >= 500) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: body.error });
      }
      throw error;
    } finally {
      span.end();
    }
  }

  async traceAttempt<R extends TracedResult>(
    attempt: TracedAttempt,
    send: (headers: Record<string, string>) => Promise<R>,
  ): Promise<R> {
    const parent =
      attempt.traceParent === null
        ? ROOT_CONTEXT
        : propagation.extract(ROOT_CONTEXT, { traceparent: attempt.traceParent });
    const { request } = attempt;
    const url = new URL(request.url);
    const span = this.tracer.startSpan(
      request.method,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': request.method,
          'server.address': url.hostname,
          'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
          'triggerline.execution.id': attempt.executionId,
          'triggerline.trigger.slug': attempt.triggerSlug,
          'triggerline.attempt': attempt.attempt,
        },
      },
      parent,
    );
    try {
      // The span's own trace context replaces any the action's headers carry.
      const result = await send({
        ...withoutTraceHeaders(request.headers),
        ...traceHeadersOf(span),
      });
      span.setAttribute('triggerline.attempt.outcome', result.outcome);
      if (result.httpStatus !== null) {
        span.setAttribute('http.response.status_code', result.httpStatus);
      }
      if (result.outcome !== 'success') {
        span.setStatus({ code: SpanStatusCode.ERROR, message: result.outcome });
      }
      return result;
    } finally {
      span.end();
    }
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}
