import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuditDetails } from '@triggerline/contracts';
import { sentFieldNames } from './changed-fields';

/** Reports the fields an update changed, for its audit entry. */
export type ChangedFieldsNote = (fields: string[]) => void;

const changedFieldsByRequest = new WeakMap<object, string[]>();

/**
 * A handler parameter through which an update that compares the stored record before and after
 * tells the audit log which fields really changed. Updates that do not report keep the names
 * their body sent.
 */
export const AuditChangedFields = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ChangedFieldsNote => {
    const request = context.switchToHttp().getRequest<object>();
    return (fields) => changedFieldsByRequest.set(request, fields);
  },
);

const UPDATE_METHODS = new Set(['PUT', 'PATCH']);

/**
 * The details of an audited call: for an update, the fields it changed as its handler reported
 * them, else (a refused update, or one that does not report) the names its body sent.
 */
export function auditDetailsOf(request: { method: string; body: unknown }): AuditDetails | null {
  if (!UPDATE_METHODS.has(request.method.toUpperCase())) {
    return null;
  }
  const fields = changedFieldsByRequest.get(request) ?? sentFieldNames(request.body);
  return fields === null ? null : { fields };
}
