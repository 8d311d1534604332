// W3C Trace Context: `version-traceid-parentid-flags`, e.g.
// 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.
const TRACE_PARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/** The trace id of a stored `traceparent`; null when there is none or it is malformed. */
export function traceIdOf(traceParent: string | null): string | null {
  return traceParent === null ? null : (TRACE_PARENT.exec(traceParent)?.[1] ?? null);
}
