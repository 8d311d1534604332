import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AuditLogStore } from './access/audit-log.store';
import { authenticateEarly } from './access/authenticate-early';
import { registerAuditTrail } from './access/audit-trail';
import { Authenticator } from './access/authenticator';
import { describeRequiredRoles } from './access/document-roles';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { documentLiveness, registerLiveness } from './health/liveness';
import { adminConsoleDir, serveAdminConsole } from './http/admin-console';
import { registerBodyParsers } from './http/body-parsers';
import { onFrameworkError, registerUrlCheck } from './http/request-url';
import { registerSecurityHeaders } from './http/security-headers';
import { Metrics } from './metrics/metrics';
import { registerRejectionLog } from './rejections/rejection-log';
import { RejectionsService } from './rejections/rejections.service';

/** Builds the configured application without listening; shared by main.ts and the tests. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.maxBodyBytes,
    trustProxy: false,
    // Nothing uses Nest middleware (see the logger module): no middleware engine per request.
    skipMiddie: true,
    frameworkErrors: onFrameworkError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  registerBodyParsers(fastify);
  registerUrlCheck(fastify);
  registerSecurityHeaders(fastify);
  registerLiveness(fastify);

  if (config.servesApi) {
    authenticateEarly(fastify, app.get(Authenticator));
    registerRejectionLog(fastify, {
      rejections: app.get(RejectionsService),
      config,
      metrics: app.get(Metrics),
    });
    registerAuditTrail(fastify, {
      auditLog: app.get(AuditLogStore),
      authenticator: app.get(Authenticator),
      metrics: app.get(Metrics),
    });
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Triggerline')
        .setDescription(
          'Reliable inbound webhooks: deduplicated, stored, retried, dead-lettered and replayed.',
        )
        .setVersion('1')
        .addBearerAuth()
        .build(),
    );
    describeRequiredRoles(document);
    documentLiveness(document);
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
    const adminDir = adminConsoleDir();
    if (adminDir !== null) {
      await serveAdminConsole(app, adminDir);
    }
  }
  return app;
}
