import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { AccessModule } from './access/access.module';
import { AlertsModule } from './alerts/alerts.module';
import { AppConfig } from './config/app-config';
import { logDestination } from './config/log-format';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { RetentionModule } from './retention/retention.module';
import { RedrivesModule } from './redrives/redrives.module';
import { SecretsModule } from './secrets/secrets.module';
import { StatsModule } from './stats/stats.module';
import { ConfigModule } from './config/config.module';
import { ConfigAsCodeModule } from './config-as-code/config-as-code.module';
import { DatabaseModule } from './database/database.module';
import { DispatchModule } from './dispatch/dispatch.module';
import { WakeupChannelModule } from './dispatch/wakeup-channel.module';
import { ExecutionsModule } from './executions/executions.module';
import { FlowGroupsModule } from './flow-groups/flow-groups.module';
import { HealthModule } from './health/health.module';
import { DomainExceptionFilter, ERROR_ANSWER_LISTENERS } from './http/domain-exception.filter';
import { createValidationPipe } from './http/validation';
import { MetricsModule } from './metrics/metrics.module';
import { IngestModule } from './ingest/ingest.module';
import { WebhookRejections } from './ingest/webhook-rejections';
import { RejectionsModule } from './rejections/rejections.module';
import { TriggersModule } from './triggers/triggers.module';
import { SIGNATURE_HEADERS } from './verification/verify-signature';

const loggerModule = LoggerModule.forRootAsync({
  inject: [AppConfig],
  useFactory: (config: AppConfig) => {
    const options = {
      level: config.logLevel,
      autoLogging: false,
      quietReqLogger: true,
      // Bearer tokens and signatures; secrets themselves are never logged anywhere.
      redact: [
        'req.headers.authorization',
        ...SIGNATURE_HEADERS.map((name) => `req.headers["${name}"]`),
      ],
    };
    const destination = logDestination(config.logFormat);
    return {
      pinoHttp: destination === undefined ? options : [options, destination],
      // No request middleware: every log line goes through the root logger and carries what
      // it needs (evt, ids), so no route pays for a per-request child logger, and the HTTP
      // adapter runs without a middleware engine (`skipMiddie`, see app.ts).
      forRoutes: [],
    };
  },
});

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    // Redrives run where the API runs: created by an operator's call, worked by any api
    // process, leaving the worker processes' capacity to deliveries.
    const apiModules = config.servesApi
      ? [
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
        ]
      : [];
    const workerModules = config.runsWorker ? [DispatchModule] : [];
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        loggerModule,
        DatabaseModule,
        SecretsModule,
        WakeupChannelModule,
        ScheduleModule.forRoot(),
        HealthModule,
        MetricsModule,
        AlertsModule,
        RetentionModule,
        ...apiModules,
        ...workerModules,
      ],
      providers: [
        WebhookRejections,
        {
          provide: ERROR_ANSWER_LISTENERS,
          inject: [WebhookRejections],
          useFactory: (webhooks: WebhookRejections) => [webhooks],
        },
        { provide: APP_FILTER, useClass: DomainExceptionFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
