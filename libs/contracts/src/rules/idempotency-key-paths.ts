/** Where ingestion looks for an idempotency key when a trigger names no paths of its own. */
export const DEFAULT_IDEMPOTENCY_KEY_PATHS = [
  'idempotency_key',
  'messageId',
  'data.messageId',
  'data.idempotency_key',
] as const;
