import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { StoredSecretsSealer } from '../triggers/stored-secrets-sealer';
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
          config.previousSecretsKeys.map((key) => Buffer.from(key, 'base64')),
        ),
    },
    StoredSecretsSealer,
  ],
  exports: [SecretBox],
})
export class SecretsModule {}
