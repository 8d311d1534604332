/**
 * Where an execution's stored request is (SPEC §14): its own `execution_payloads` row, or, for
 * the executions of a routed delivery that redact and forward nothing of their own, the one
 * `delivery_payloads` row they share, written once however many routes matched.
 * `payloadJoin('e')` joins both to the executions aliased `e` (which must carry
 * `delivery_payload_id`); PAYLOAD and HEADERS read them as one.
 */
export const payloadJoin = (execution: string): string =>
  `LEFT JOIN execution_payloads p ON p.execution_id = ${execution}.id
   LEFT JOIN delivery_payloads dp ON dp.id = ${execution}.delivery_payload_id`;

export const PAYLOAD = 'coalesce(p.payload, dp.payload)';
export const HEADERS = 'coalesce(p.headers, dp.headers)';
/** The execution has a stored request, of its own or shared (both columns are NOT NULL). */
export const HAS_PAYLOAD = `${PAYLOAD} IS NOT NULL`;
