import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { LegacySecretsSealer } from '../triggers/seal-legacy-secrets';
import { SecretBox } from './secret-box';
import { loadSecretsKey } from './secrets-key';

/** The key that seals stored secrets, for every role; seals v1 plain secrets at start. */
@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new SecretBox(
          loadSecretsKey({ configuredKey: config.secretsKey, keyFile: config.secretsKeyFile }),
        ),
    },
    LegacySecretsSealer,
  ],
  exports: [SecretBox],
})
export class SecretsModule {}
