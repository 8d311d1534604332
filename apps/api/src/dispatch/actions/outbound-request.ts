/** An action turned into the HTTP request to send, or the reason it cannot be sent. */
export interface OutboundRequest {
  url: string;
  method: 'POST' | 'PUT' | 'PATCH';
  headers: Record<string, string>;
  body: string;
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
