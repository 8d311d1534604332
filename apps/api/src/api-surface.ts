import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AccessModule } from './access/access.module';
import { AuditLogStore } from './access/audit-log.store';
import { authenticateEarly } from './access/authenticate-early';
import { registerAuditTrail } from './access/audit-trail';
import { Authenticator } from './access/authenticator';
import { describeRequiredRoles } from './access/document-roles';
import type { AppConfig } from './config/app-config';
import { ConfigAsCodeModule } from './config-as-code/config-as-code.module';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { ExecutionsModule } from './executions/executions.module';
import { FlowGroupsModule } from './flow-groups/flow-groups.module';
import { documentHealthRoutes, documentLiveness } from './health/health-docs';
import { adminConsoleDir, serveAdminConsole } from './http/admin-console';
import { IngestModule } from './ingest/ingest.module';
import { Metrics } from './metrics/metrics';
import { RedrivesModule } from './redrives/redrives.module';
import { registerRejectionLog } from './rejections/rejection-log';
import { RejectionsModule } from './rejections/rejections.module';
import { RejectionsService } from './rejections/rejections.service';
import { StatsModule } from './stats/stats.module';
import { TriggersModule } from './triggers/triggers.module';

// What only a process serving the API (ROLE api or all) loads: its modules, whose controllers,
// DTOs, validation and Swagger metadata a worker never needs (app.ts imports this file only
// then), and the HTTP surface around them.

// Redrives run where the API runs: created by an operator's call, worked by any api process,
// leaving the worker processes' capacity to deliveries.
export const API_MODULES: Type[] = [
  AccessModule,
  TriggersModule,
  FlowGroupsModule,
  IngestModule,
  ExecutionsModule,
  DeadLettersModule,
  StatsModule,
  RedrivesModule,
  RejectionsModule,
  ConfigAsCodeModule,
];

/** Authentication, the rejection log, the audit trail, Swagger UI and the console. */
export async function registerApiSurface(
  app: NestFastifyApplication,
  config: AppConfig,
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
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
  documentHealthRoutes();
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
