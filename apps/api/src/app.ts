import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { registerLiveness } from './health/liveness';
import { registerBodyParsers } from './http/body-parsers';
import { onFrameworkError, registerUrlCheck } from './http/request-url';
import { registerSecurityHeaders } from './http/security-headers';

/** Builds the configured application without listening; shared by main.ts and the tests. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  // A worker never loads the API's code (see api-surface.ts).
  const api = config.servesApi ? await import('./api-surface') : null;
  const adapter = new FastifyAdapter({
    bodyLimit: config.maxBodyBytes,
    trustProxy: false,
    // Nothing uses Nest middleware (see the logger module): no middleware engine per request.
    skipMiddie: true,
    frameworkErrors: onFrameworkError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, api?.API_MODULES ?? []),
    adapter,
    { bufferLogs: true, bodyParser: false, abortOnError: false },
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  registerBodyParsers(fastify);
  registerUrlCheck(fastify);
  registerSecurityHeaders(fastify);
  registerLiveness(fastify);
  if (api !== null) {
    await api.registerApiSurface(app, config);
  }
  return app;
}
