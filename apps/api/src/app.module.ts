import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { AlertsModule } from './alerts/alerts.module';
import { AppConfig } from './config/app-config';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { RetentionModule } from './retention/retention.module';
import { StatsModule } from './stats/stats.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DispatchModule } from './dispatch/dispatch.module';
import { DispatchSignalModule } from './dispatch/dispatch-signal.module';
import { ExecutionsModule } from './executions/executions.module';
import { HealthModule } from './health/health.module';
import { DomainExceptionFilter } from './http/domain-exception.filter';
import { createValidationPipe } from './http/validation';
import { MetricsModule } from './metrics/metrics.module';
import { IngestModule } from './ingest/ingest.module';
import { TriggersModule } from './triggers/triggers.module';

const loggerModule = LoggerModule.forRootAsync({
  inject: [AppConfig],
  useFactory: (config: AppConfig) => ({
    pinoHttp: {
      level: config.logLevel,
      autoLogging: false,
      quietReqLogger: true,
      redact: ['req.headers.authorization', 'req.headers["x-signature-256"]'],
    },
  }),
});

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const apiModules = config.servesApi
      ? [TriggersModule, IngestModule, ExecutionsModule, DeadLettersModule, StatsModule]
      : [];
    const workerModules = config.runsWorker ? [DispatchModule] : [];
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        loggerModule,
        DatabaseModule,
        DispatchSignalModule,
        ScheduleModule.forRoot(),
        HealthModule,
        MetricsModule,
        AlertsModule,
        RetentionModule,
        ...apiModules,
        ...workerModules,
      ],
      providers: [
        { provide: APP_FILTER, useClass: DomainExceptionFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
