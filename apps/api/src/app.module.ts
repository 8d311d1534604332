import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { AlertsModule } from './alerts/alerts.module';
import { AppConfig } from './config/app-config';
import { logDestination } from './config/log-format';
import { RetentionModule } from './retention/retention.module';
import { SecretsModule } from './secrets/secrets.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DispatchModule } from './dispatch/dispatch.module';
import { WakeupChannelModule } from './dispatch/wakeup-channel.module';
import { HealthModule } from './health/health.module';
import { DomainExceptionFilter, ERROR_ANSWER_LISTENERS } from './http/domain-exception.filter';
import { createValidationPipe } from './http/validation';
import { MetricsModule } from './metrics/metrics.module';
import { WebhookRejections } from './ingest/webhook-rejections';
import { SIGNATURE_HEADERS } from './verification/verify-signature';

const loggerModule = LoggerModule.forRootAsync({
  inject: [AppConfig],
  useFactory: async (config: AppConfig) => {
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
    const destination = await logDestination(config.logFormat);
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
  /** `apiModules`: those of api-surface.ts when the process serves the API, else none. */
  static forRoot(config: AppConfig, apiModules: Type[]): DynamicModule {
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
        // The API's DTOs; a worker's routes (health, metrics) take no input to validate.
        ...(config.servesApi ? [{ provide: APP_PIPE, useFactory: createValidationPipe }] : []),
      ],
    };
  }
}
