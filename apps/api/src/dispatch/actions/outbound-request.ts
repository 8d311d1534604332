/** An action turned into the HTTP request to send, or the reason it cannot be sent. */
export interface OutboundRequest {
  url: string;
  method: 'POST' | 'PUT' | 'PATCH';
  headers: Record<string, string>;
  /** A Buffer when the delivery's bytes are forwarded as received. */
  body: string | Buffer;
  timeoutMs: number;
}

export type BuildResult = { ok: true; request: OutboundRequest } | { ok: false; error: string };

/** Who is calling, carried on every outbound request. */
export interface DeliveryMeta {
  idempotencyKey: string;
  executionId: string;
  attempt: number;
  /** Depth of the delivery that created the execution; the target sees one more. */
  depth: number;
  /** Outbound signing's `webhook-id`: the same for every attempt and replay of one event. */
  webhookId: string;
  /** When the request is built: outbound signing's `webhook-timestamp`. */
  sentAt: Date;
  /**
   * The event across attempts and replays: its trigger, and its idempotency key or else the id
   * of the execution that first received it (client message ids derive from it).
   */
  event: { triggerId: string; eventId: string };
}

export function deliveryHeaders(meta: DeliveryMeta): Record<string, string> {
  return {
    'idempotency-key': meta.idempotencyKey,
    'x-triggerline-execution': meta.executionId,
    'x-triggerline-attempt': String(meta.attempt),
    'x-triggerline-depth': String(meta.depth + 1),
  };
}

/** What the delivery brought beside its payload, kept for the action that forwards it. */
export interface ReceivedParts {
  /** The body's bytes as received; kept only for an action whose body is `"raw"`. */
  rawBody: Buffer | null;
  /** The headers the action forwards (and the raw body's content-type), lower-case, opened. */
  headers: Record<string, string>;
}

export const NOTHING_RECEIVED: ReceivedParts = { rawBody: null, headers: {} };
