import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app';
import { loadConfig } from './config/config.module';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen({ host: config.host, port: config.port });
  const logger = new Logger('Main');
  logger.log({ evt: 'started', url: await app.getUrl(), role: config.role });
  if (config.isAdminTokenGenerated) {
    // Printed once, to the terminal only, so a newcomer can log in; never in production.
    process.stdout.write(
      `\nNo ADMIN_TOKEN set: this run's admin token is ${config.adminToken}\n\n`,
    );
  }
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`Triggerline failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
