import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { validateEnvironment } from './env.schema';

/** Reads the process environment; the one place that does. */
export function loadEnvironment(overrides: Record<string, string | undefined> = {}) {
  return validateEnvironment({ ...process.env, ...overrides });
}

/** `overrides` lets tests configure an app without touching `process.env`. */
export function loadConfig(overrides: Record<string, string | undefined> = {}): AppConfig {
  return new AppConfig(loadEnvironment(overrides));
}

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
