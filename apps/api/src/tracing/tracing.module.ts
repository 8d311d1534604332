import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { TRACING, type Tracing } from './tracing';

async function startTracingIfConfigured(config: AppConfig): Promise<Tracing | null> {
  const settings = config.tracing;
  if (settings === null) {
    return null;
  }
  // Imported here and only here: without an OTLP endpoint the SDK is never loaded.
  const { startOtelTracing } = await import('./otel-tracing');
  return startOtelTracing(settings);
}

/** Provides `TRACING`: the OpenTelemetry tracer when OTEL_* asks for one, else null. */
@Module({
  providers: [{ provide: TRACING, inject: [AppConfig], useFactory: startTracingIfConfigured }],
  exports: [TRACING],
})
export class TracingModule implements OnApplicationShutdown {
  constructor(@Inject(TRACING) private readonly tracing: Tracing | null) {}

  // After the HTTP server closed and the worker drained its attempts (beforeApplicationShutdown):
  // their spans have ended and are exported now.
  async onApplicationShutdown(): Promise<void> {
    await this.tracing?.shutdown();
  }
}
