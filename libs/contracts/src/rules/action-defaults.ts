/** How long one attempt of an action may take when the trigger names no `timeoutMs`. */
export const DEFAULT_ACTION_TIMEOUT_MS = 10_000;
