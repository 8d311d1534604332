import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SecretBox } from '../secrets/secret-box';
import { DeliveriesStore } from './deliveries.store';
import { resealForwardedHeaders } from './forwarded-headers';

const PAGE = 500;

/**
 * Brings the credential headers executions forward (SPEC §14, sealed with each delivery) under
 * SECRETS_KEY at start, as the triggers' own secrets are (triggers/stored-secrets-sealer.ts), so
 * that SECRETS_KEY_PREVIOUS may go once every process has started with the new key. Runs only
 * while previous keys are given: it reads every payload that forwards headers.
 */
@Injectable()
export class ForwardedHeadersResealer implements OnApplicationBootstrap {
  private readonly logger = new Logger('Secrets');

  constructor(
    private readonly deliveries: DeliveriesStore,
    private readonly box: SecretBox,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.box.hasPreviousKeys) {
      return;
    }
    const { resealed, unopenable } = await this.resealAll();
    if (resealed > 0) {
      this.logger.log({ evt: 'forwarded_headers_resealed', executions: resealed });
    }
    if (unopenable > 0) {
      this.logger.error({
        evt: 'forwarded_headers_unopenable',
        message:
          'No configured key opens the forwarded headers of these executions: their attempts ' +
          'fail with secret_unavailable until the key that sealed them is given',
        executions: unopenable,
      });
    }
  }

  async resealAll(): Promise<{ resealed: number; unopenable: number }> {
    let resealed = 0;
    let unopenable = 0;
    let after = '';
    for (;;) {
      const page = await this.deliveries.forwardedHeadersAfter(after, PAGE);
      for (const { executionId, headers } of page) {
        let next: Record<string, string> | null;
        try {
          next = resealForwardedHeaders(headers, this.box);
        } catch {
          unopenable += 1;
          continue;
        }
        if (
          next !== null &&
          (await this.deliveries.replaceForwardedHeaders(executionId, headers, next))
        ) {
          resealed += 1;
        }
      }
      if (page.length < PAGE) {
        return { resealed, unopenable };
      }
      after = page[page.length - 1].executionId;
    }
  }
}
