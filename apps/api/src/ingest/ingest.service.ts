import { Inject, Injectable, Logger } from '@nestjs/common';
import type { WebhookAccepted, WebhookDuplicate } from '@triggerline/contracts';
import { DeliveryOutcomeCounts } from '../rejections/delivery-outcome-counts.store';
import { isKept } from '../triggers/delivery-filter';
import { redactPaths } from './redact-paths';
import { orderingKeyOf } from './ordering-key';
import type { IncomingHttpHeaders } from 'node:http';
import { AppConfig } from '../config/app-config';
import { WorkSignal } from '../executions/work-signal';
import {
  DeliveriesStore,
  type RoutedDeliveryOutcome,
  type RoutedExecution,
} from '../executions/deliveries.store';
import { Metrics } from '../metrics/metrics';
import { RequestError } from '../http/request.errors';
import { IngestTargets } from '../triggers/ingest-targets';
import { TriggerError } from '../triggers/triggers.errors';
import { hashBody } from './body-hash';
import { headersOfInterest } from './delivery-headers';
import { extractIdempotencyKey, MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency-key';
import { IngestError } from './ingest.errors';
import { SecretBox } from '../secrets/secret-box';
import { sealForwardedHeaders } from '../executions/forwarded-headers';
import type { IngestTarget } from '../triggers/ingest-targets';
import {
  effectiveIdempotencyKeyHeaders,
  effectiveIdempotencyKeyPaths,
  effectiveRedactPaths,
  openVerification,
  openVerifyToken,
} from '../triggers/trigger-secrets';
import {
  isSameText,
  type VerificationFailure,
  verifySignature,
} from '../verification/verify-signature';
import { DEPTH_HEADER, isTooDeep, parseTriggerDepth } from './trigger-depth';
import { TRACING, type Tracing } from '../tracing/tracing';

/** What the sender is answered: the status and the JSON body. */
export interface WebhookAnswer {
  httpStatus: number;
  body: unknown;
}

/** Slack's `url_verification` (signed like any event): its challenge, else null. */
function slackChallenge(trigger: IngestTarget, body: unknown): string | null {
  if (trigger.verification?.scheme !== 'slack' || typeof body !== 'object' || body === null) {
    return null;
  }
  const { type, challenge } = body as { type?: unknown; challenge?: unknown };
  return type === 'url_verification' && typeof challenge === 'string' ? challenge : null;
}

export interface Delivery {
  slug: string;
  body: unknown;
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  query: Record<string, unknown>;
  /** The request's path and query as received. */
  pathAndQuery: string;
  /** `<protocol>://<host>` as the request says; PUBLIC_URL, when set, is used instead. */
  origin: string;
}

@Injectable()
export class IngestService {
  private readonly logger = new Logger('Ingest');

  constructor(
    private readonly targets: IngestTargets,
    private readonly executions: DeliveriesStore,
    private readonly dispatchSignal: WorkSignal,
    private readonly metrics: Metrics,
    private readonly box: SecretBox,
    private readonly config: AppConfig,
    private readonly outcomeCounts: DeliveryOutcomeCounts,
    @Inject(TRACING) private readonly tracing: Tracing | null,
  ) {}

  /** Injected for tests; real time otherwise. */
  now: () => Date = () => new Date();

  /** The whole pipeline of a delivery, answered as status and body (a retry reuses both). */
  receive(delivery: Delivery): Promise<WebhookAnswer> {
    // Tracing off: this comparison is all that ingestion pays for it (not even a promise more).
    if (this.tracing === null) {
      return this.process(delivery, null);
    }
    return this.tracing.traceDelivery(delivery, (traceParent) =>
      this.process(delivery, traceParent),
    );
  }

  /** `traceParent`: the delivery's server span, stored with its executions (null: untraced). */
  private async process(delivery: Delivery, traceParent: string | null): Promise<WebhookAnswer> {
    // First, before any lookup or deduplication: a loop is stopped whatever else is wrong.
    const depth = parseTriggerDepth(delivery.headers[DEPTH_HEADER]);
    if (isTooDeep(depth, this.config.maxTriggerDepth)) {
      throw new IngestError(
        'loop_detected',
        `X-Triggerline-Depth ${depth} is above MAX_TRIGGER_DEPTH (${this.config.maxTriggerDepth}): ` +
          'this delivery came through too many triggers, probably a loop.',
      );
    }
    const trigger = await this.targets.find(delivery.slug);
    if (trigger === null) {
      throw new TriggerError('trigger_not_found', `No trigger with slug "${delivery.slug}".`);
    }
    if (!trigger.enabled) {
      throw new IngestError('trigger_disabled', `The trigger "${trigger.slug}" is disabled.`);
    }
    this.verify(trigger, delivery);
    const challenge = slackChallenge(trigger, delivery.body);
    if (challenge !== null) {
      // Slack's url_verification is a handshake, not a delivery: it creates nothing.
      this.metrics.handshakes.inc({ scheme: 'slack', outcome: 'answered' });
      return { httpStatus: 200, body: { challenge } };
    }
    if (
      !isKept(trigger.filter, {
        body: delivery.body,
        headers: delivery.headers,
        query: delivery.query,
      })
    ) {
      this.metrics.deliveries.inc({ outcome: 'filtered' });
      await this.outcomeCounts.count(trigger.id, 'filtered');
      return { httpStatus: 200, body: { status: 'filtered' } };
    }
    const idempotencyKey = extractIdempotencyKey({
      headers: effectiveIdempotencyKeyHeaders(trigger).map(
        (name) => delivery.headers[name.toLowerCase()],
      ),
      payload: delivery.body,
      paths: effectiveIdempotencyKeyPaths(trigger),
    });
    if (idempotencyKey !== null && idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new RequestError(
        'invalid_body',
        `The idempotency key is longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`,
      );
    }
    if (trigger.routes !== null && trigger.routes.length > 0) {
      return this.receiveRouted({ trigger, delivery, idempotencyKey, depth, traceParent });
    }
    const outcome = await this.executions.recordDelivery({
      triggerId: trigger.id,
      idempotencyKey,
      payload: redactPaths(delivery.body, effectiveRedactPaths(trigger)),
      headers: headersOfInterest(delivery.headers),
      bodySha256: hashBody(delivery.rawBody),
      depth,
      traceParent,
      orderingKey: orderingKeyOf(delivery.body, trigger.orderingKeyPath),
      ...forwardedParts(trigger, delivery, this.box),
    });
    return this.answer({
      slug: trigger.slug,
      idempotencyKey,
      outcome:
        outcome.kind === 'duplicate'
          ? { kind: 'duplicate', executionIds: [outcome.executionId], conflict: outcome.conflict }
          : { kind: 'accepted', executionIds: [outcome.executionId] },
    });
  }

  /**
   * A delivery to a trigger with routes (SPEC §14): its own execution unless it is a pure router,
   * and one on each route's trigger whose filter keeps the delivery, written in one statement.
   */
  private async receiveRouted(input: {
    trigger: IngestTarget;
    delivery: Delivery;
    idempotencyKey: string | null;
    depth: number;
    traceParent: string | null;
  }): Promise<WebhookAnswer> {
    const { trigger, delivery, idempotencyKey } = input;
    const sourcePaths = effectiveRedactPaths(trigger);
    const payload = redactPaths(delivery.body, sourcePaths);
    const executions: RoutedExecution[] = [];
    if (trigger.hasAction) {
      executions.push({
        triggerId: trigger.id,
        routedFrom: null,
        payload,
        orderingKey: orderingKeyOf(delivery.body, trigger.orderingKeyPath),
        ...forwardedParts(trigger, delivery, this.box),
      });
    }
    const query = { body: delivery.body, headers: delivery.headers, query: delivery.query };
    for (const route of trigger.routes ?? []) {
      const target = await this.targets.find(route.trigger);
      // A route to a trigger deleted or disabled since delivers nothing, as a delivery would not.
      if (target === null || !target.enabled || !isKept(route.filter, query)) {
        continue;
      }
      const parts = forwardedParts(target, delivery, this.box);
      executions.push({
        triggerId: target.id,
        routedFrom: trigger.id,
        payload: redactPaths(payload, effectiveRedactPaths(target)),
        orderingKey: orderingKeyOf(delivery.body, target.orderingKeyPath),
        // The bytes as received hold what the source trigger redacts: never kept then.
        rawBody: sourcePaths.length > 0 ? null : parts.rawBody,
        forwardedHeaders: parts.forwardedHeaders,
      });
    }
    if (executions.length === 0) {
      this.metrics.deliveries.inc({ outcome: 'filtered' });
      await this.outcomeCounts.count(trigger.id, 'filtered');
      return { httpStatus: 200, body: { status: 'filtered' } };
    }
    const outcome = await this.executions.recordRoutedDelivery({
      triggerId: trigger.id,
      idempotencyKey,
      headers: headersOfInterest(delivery.headers),
      bodySha256: hashBody(delivery.rawBody),
      depth: input.depth,
      traceParent: input.traceParent,
      executions,
    });
    return this.answer({ slug: trigger.slug, idempotencyKey, outcome });
  }

  /** What the sender of a stored or duplicate delivery is answered, counted and logged. */
  private answer(input: {
    slug: string;
    idempotencyKey: string | null;
    outcome: RoutedDeliveryOutcome;
  }): WebhookAnswer {
    const { outcome } = input;
    const [executionId] = outcome.executionIds;
    const logFields = {
      slug: input.slug,
      executionId,
      // Listed only for a fan-out: a log line per delivery stays as it was otherwise.
      ...(outcome.executionIds.length > 1 ? { executionIds: outcome.executionIds } : {}),
      idempotencyKey: input.idempotencyKey,
    };
    this.metrics.deliveries.inc({ outcome: outcome.kind });
    if (outcome.kind === 'duplicate') {
      if (outcome.conflict) {
        this.logger.warn({ evt: 'webhook_key_conflict', ...logFields });
      } else {
        this.logger.log({ evt: 'webhook_duplicate', ...logFields });
      }
      const duplicate: WebhookDuplicate = {
        status: 'duplicate',
        executionId,
        executionIds: outcome.executionIds,
        conflict: outcome.conflict,
      };
      return { httpStatus: 200, body: duplicate };
    }
    this.logger.log({ evt: 'webhook_accepted', ...logFields });
    this.dispatchSignal.executionsAvailable();
    const accepted: WebhookAccepted = {
      status: 'accepted',
      executionId,
      executionIds: outcome.executionIds,
    };
    return { httpStatus: 202, body: accepted };
  }

  /**
   * Meta's subscription handshake (`GET /hooks/:slug?hub.mode=subscribe&hub.verify_token=…
   * &hub.challenge=…`): the challenge when the token is the trigger's verify token. It creates
   * nothing; a trigger without the meta scheme has no such route (404).
   */
  async subscribe(slug: string, query: Record<string, unknown>): Promise<string> {
    const trigger = await this.targets.find(slug);
    if (trigger === null || trigger.verification?.scheme !== 'meta') {
      throw new RequestError('not_found', 'Not found.');
    }
    const expected = openVerifyToken(trigger, this.box);
    const token = query['hub.verify_token'];
    const challenge = query['hub.challenge'];
    const isVerified =
      query['hub.mode'] === 'subscribe' &&
      typeof token === 'string' &&
      typeof challenge === 'string' &&
      expected !== null &&
      isSameText(token, expected);
    this.metrics.handshakes.inc({ scheme: 'meta', outcome: isVerified ? 'answered' : 'refused' });
    if (!isVerified) {
      throw new IngestError(
        'invalid_verify_token',
        "The verify token is missing or is not the trigger's verify token.",
      );
    }
    return challenge;
  }

  private verify(trigger: IngestTarget, delivery: Delivery): void {
    const verification = openVerification(trigger, this.box);
    if (verification === null) {
      return;
    }
    const result = verifySignature({
      scheme: verification.scheme,
      secrets: verification.secrets,
      toleranceSeconds: verification.toleranceSeconds,
      options: verification,
      request: {
        headers: delivery.headers,
        rawBody: delivery.rawBody,
        body: delivery.body,
        query: delivery.query,
        url: `${this.config.publicUrl ?? delivery.origin}${delivery.pathAndQuery}`,
      },
      now: this.now(),
    });
    if (!result.ok) {
      throw new IngestError(result.failure, FAILURE_MESSAGES[result.failure]);
    }
  }
}

/** What the trigger's action forwards from the delivery (SPEC §14), kept with the execution. */
function forwardedParts(
  trigger: IngestTarget,
  delivery: Delivery,
  box: SecretBox,
): { rawBody: Buffer | null; forwardedHeaders: Record<string, string> | null } {
  // A raw body goes out with the content type it came with.
  const names = trigger.keepsRawBody
    ? [...trigger.forwardHeaders, 'content-type']
    : trigger.forwardHeaders;
  return {
    rawBody: trigger.keepsRawBody ? delivery.rawBody : null,
    forwardedHeaders:
      names.length === 0 ? null : sealForwardedHeaders({ headers: delivery.headers, names, box }),
  };
}

const FAILURE_MESSAGES: Record<VerificationFailure, string> = {
  invalid_signature: 'The signature is missing or wrong.',
  signature_expired: "The signed timestamp is outside the trigger's tolerance.",
};
