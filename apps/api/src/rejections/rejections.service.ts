import { Injectable } from '@nestjs/common';
import {
  isCredentialHeaderName,
  MASKED_VALUE,
  type Page,
  type Rejection,
  type RejectionDetail,
  type RejectionReason,
  type RejectionRetryResult,
} from '@triggerline/contracts';
import type { IncomingHttpHeaders } from 'node:http';
import { AppConfig } from '../config/app-config';
import { decodeCursor, pageRequest } from '../http/cursor';
import { parseRawBody } from '../http/body-parsers';
import { toErrorResponse } from '../http/error-response';
import { IngestService } from '../ingest/ingest.service';
import { redactPaths } from '../ingest/redact-paths';
import { Metrics } from '../metrics/metrics';
import { SecretBox } from '../secrets/secret-box';
import { IngestTargets } from '../triggers/ingest-targets';
import { effectiveRedactPaths } from '../triggers/trigger-secrets';
import type { ListRejectionsQueryDto } from './dto/list-rejections-query.dto';
import { RejectionError } from './rejections.errors';
import { RejectionsStore, type StoredRejection } from './rejections.store';
import { DeliveryOutcomeCounts } from './delivery-outcome-counts.store';

const MAX_HEADERS = 100;
const MAX_HEADER_LENGTH = 8192;

/** A refused delivery as the HTTP layer saw it. */
export interface RefusedDelivery {
  slug: string;
  reason: RejectionReason;
  method: string;
  /** The URL the sender called: origin (PUBLIC_URL when set), path and query. */
  url: string;
  sourceIp: string | null;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

/**
 * Refused deliveries of existing triggers (SPEC §13): kept, bounded, shown without secrets,
 * and retried through the whole pipeline with the trigger's current settings.
 */
@Injectable()
export class RejectionsService {
  constructor(
    private readonly store: RejectionsStore,
    private readonly counts: DeliveryOutcomeCounts,
    private readonly targets: IngestTargets,
    private readonly ingest: IngestService,
    private readonly box: SecretBox,
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {}

  /** Keeps a refused delivery of an existing trigger. */
  async record(refused: RefusedDelivery): Promise<void> {
    const trigger = await this.targets.find(refused.slug);
    if (trigger === null) {
      this.metrics.unknownTriggerDeliveries.inc();
      return;
    }
    await this.store.record(
      {
        triggerId: trigger.id,
        reason: refused.reason,
        sourceIp: refused.sourceIp,
        method: refused.method,
        requestTarget: this.box.seal(refused.url),
        headers: this.sealedHeaders(refused.headers),
        body: this.box.seal(refused.rawBody.toString('base64')),
        bodyBytes: refused.rawBody.length,
      },
      this.config.rejectionMaxPerTrigger,
    );
    await this.counts.count(trigger.id, `rejected:${refused.reason}`);
  }

  async list(query: ListRejectionsQueryDto): Promise<Page<Rejection>> {
    const page = pageRequest(query);
    const stored = await this.store.list({
      triggerId: query.triggerId,
      reason: query.reason,
      from: query.from,
      to: query.to,
      limit: page.limit,
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    });
    return {
      items: stored.items.map((item) => this.toRejection(item)),
      nextCursor: stored.nextCursor,
    };
  }

  async get(id: string): Promise<RejectionDetail> {
    const stored = await this.findOrFail(id);
    const raw = Buffer.from(this.box.open(stored.body), 'base64');
    return { ...this.toRejection(stored), ...(await this.displayedBody(stored, raw)) };
  }

  /** Runs the stored request through the pipeline again; answers and records what it got. */
  async retry(id: string): Promise<RejectionRetryResult> {
    const stored = await this.findOrFail(id);
    const headers = this.openedHeaders(stored.headers);
    const rawBody = Buffer.from(this.box.open(stored.body), 'base64');
    const url = new URL(this.box.open(stored.requestTarget));
    let result: RejectionRetryResult;
    try {
      const answer = await this.ingest.receive({
        slug: stored.triggerSlug,
        body: parseRawBody(headers['content-type'], rawBody),
        rawBody,
        headers,
        query: Object.fromEntries(url.searchParams),
        pathAndQuery: `${url.pathname}${url.search}`,
        origin: url.origin,
      });
      result = answer;
    } catch (error) {
      const response = toErrorResponse(error);
      if (response.isUnexpected) {
        throw error;
      }
      result = { httpStatus: response.status, body: response.body };
    }
    await this.store.recordRetry(id, result);
    return result;
  }

  private async findOrFail(id: string): Promise<StoredRejection> {
    const stored = await this.store.find(id);
    if (stored === null) {
      throw new RejectionError('rejection_not_found', `No rejection with id ${id}.`);
    }
    return stored;
  }

  private toRejection(stored: StoredRejection): Rejection {
    return {
      id: stored.id,
      triggerId: stored.triggerId,
      triggerSlug: stored.triggerSlug,
      reason: stored.reason,
      receivedAt: stored.receivedAt,
      sourceIp: stored.sourceIp,
      headers: Object.fromEntries(
        Object.entries(stored.headers).map(([name, value]) => [
          name,
          isCredentialHeaderName(name) ? MASKED_VALUE : value,
        ]),
      ),
      bodyBytes: stored.bodyBytes,
      retriedAt: stored.retriedAt,
      retryResult: stored.retryResult,
    };
  }

  // The body as an operator may see it: the trigger's redacted paths and a body token masked.
  private async displayedBody(
    stored: StoredRejection,
    raw: Buffer,
  ): Promise<Pick<RejectionDetail, 'body' | 'bodyEncoding'>> {
    const text = raw.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(raw)) {
      return { body: raw.toString('base64'), bodyEncoding: 'base64' };
    }
    const trigger = await this.targets.find(stored.triggerSlug);
    const masked =
      trigger === null ? [] : [...effectiveRedactPaths(trigger), ...bodyTokenPath(trigger)];
    if (masked.length === 0) {
      return { body: text, bodyEncoding: 'text' };
    }
    try {
      const parsed = parseRawBody(stored.headers['content-type'], raw);
      if (typeof parsed === 'object' && parsed !== null) {
        return { body: JSON.stringify(redactPaths(parsed, masked, 'mask')), bodyEncoding: 'text' };
      }
    } catch {
      // Not parseable: shown as received, like the sender sent it.
    }
    return { body: text, bodyEncoding: 'text' };
  }

  private sealedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
    const kept: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers).slice(0, MAX_HEADERS)) {
      if (value === undefined) {
        continue;
      }
      const text = (Array.isArray(value) ? value.join(', ') : value).slice(0, MAX_HEADER_LENGTH);
      kept[name] = isCredentialHeaderName(name) ? this.box.seal(text) : text;
    }
    return kept;
  }

  private openedHeaders(headers: Record<string, string>): IncomingHttpHeaders {
    return Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [
        name,
        isCredentialHeaderName(name) ? this.box.open(value) : value,
      ]),
    );
  }
}

// A `token` scheme reading the body (Evolution's apikey) keeps a credential in the body.
function bodyTokenPath(trigger: {
  verification: { scheme: string; in?: string; name?: string } | null;
}): string[] {
  const verification = trigger.verification;
  if (verification?.scheme === 'evolution') {
    return ['apikey'];
  }
  return verification?.scheme === 'token' && verification.in === 'body' && verification.name
    ? [verification.name]
    : [];
}
