import type { ConfigDocument, ConfigPlan } from '@triggerline/contracts';

/** The pasted text as a document, or why it is not one (checked for shape by the API). */
export function parseConfigDocument(
  text: string,
): { ok: true; document: ConfigDocument } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `Not JSON: ${(error as Error).message}` };
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    !Array.isArray((value as ConfigDocument).triggers)
  ) {
    return { ok: false, problem: 'Not a configuration document: it has no "triggers" list.' };
  }
  return { ok: true, document: value as ConfigDocument };
}

export function isEmptyPlan(plan: ConfigPlan): boolean {
  const { flowGroups } = plan;
  return [plan, flowGroups].every(
    (part) => part.create.length === 0 && part.update.length === 0 && part.delete.length === 0,
  );
}

/** The exported document as a file name with the date, e.g. `triggerline-config-2026-12-06.json`. */
export function configFileName(now: Date): string {
  return `triggerline-config-${now.toISOString().slice(0, 10)}.json`;
}
